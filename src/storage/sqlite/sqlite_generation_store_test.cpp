#include "storage/sqlite/sqlite_generation_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ulid.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"

namespace brokle::storage {

namespace {

using scopes = scope_factory_for_tests;

struct sqlite_generation_store_test : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-generations-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<sqlite::database> db;
  std::unique_ptr<sqlite::sqlite_generation_store> store;
  project_scope mine = scopes::project("org-a", "proj-a");
  project_scope other = scopes::project("org-a", "proj-b");

  void SetUp() override {
    db = sqlite::open_migrated_database(dir);
    store = std::make_unique<sqlite::sqlite_generation_store>(db);
  }
  void TearDown() override {
    store.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  generation_record call(const project_scope& s, std::string upstream_id, int64_t started_at, int64_t input = 0) {
    generation_record g;
    g.id = new_ulid();
    g.request_id = "req-" + g.id;
    g.org_id = s.org_id();
    g.project_id = s.project_id();
    g.key_id = "key-1";
    g.endpoint = "responses";
    g.model_requested = "fast";
    g.model_used = "gpt-4o-mini";
    g.provider = "openai";
    g.status = 200;
    g.input_tokens = input;
    g.started_at = started_at;
    g.upstream_id = std::move(upstream_id);
    return g;
  }
};

}  // namespace

TEST_F(sqlite_generation_store_test, the_call_that_created_an_upstream_id_is_found_within_its_project_only) {
  auto older = call(mine, "resp_1", 1000);
  auto newer = call(mine, "resp_1", 2000);
  auto elsewhere = call(other, "resp_2", 1000);
  ASSERT_TRUE(store->append_batch({older, newer, elsewhere, call(mine, "", 3000)}));
  auto found = store->find_by_upstream_id(mine, "resp_1");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, newer.id) << "the most recent creator";
  EXPECT_EQ((*found)->model_requested, "fast");
  EXPECT_EQ((*found)->upstream_id, "resp_1");
  EXPECT_FALSE(store->find_by_upstream_id(mine, "resp_2")->has_value()) << "another project's id";
  EXPECT_FALSE(store->find_by_upstream_id(other, "resp_1")->has_value());
  EXPECT_FALSE(store->find_by_upstream_id(mine, "")->has_value()) << "calls that created nothing are not matched";
  EXPECT_FALSE(store->find_by_upstream_id(mine, "resp_unknown")->has_value());
}

TEST_F(sqlite_generation_store_test, late_usage_is_recorded_once_and_only_for_a_call_without_tokens) {
  auto background = call(mine, "resp_bg", 1000);
  auto counted = call(mine, "resp_done", 1000, 40);
  ASSERT_TRUE(store->append_batch({background, counted}));
  generation_store::late_usage u{12, 5, 2, 1, 0.25};
  auto first = store->record_late_usage(mine, background.id, u);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  auto row = store->find_by_upstream_id(mine, "resp_bg");
  EXPECT_EQ((*row)->input_tokens, 12);
  EXPECT_EQ((*row)->output_tokens, 5);
  EXPECT_EQ((*row)->cached_input_tokens, 2);
  EXPECT_EQ((*row)->reasoning_tokens, 1);
  EXPECT_DOUBLE_EQ((*row)->cost_usd, 0.25);
  EXPECT_FALSE(*store->record_late_usage(mine, background.id, generation_store::late_usage{99, 99, 0, 0, 9}))
      << "a second settlement changes nothing";
  EXPECT_EQ((*store->find_by_upstream_id(mine, "resp_bg"))->input_tokens, 12);
  EXPECT_FALSE(*store->record_late_usage(mine, counted.id, u)) << "a call that already has tokens keeps them";
  EXPECT_EQ((*store->find_by_upstream_id(mine, "resp_done"))->input_tokens, 40);
  EXPECT_FALSE(*store->record_late_usage(other, background.id, u)) << "another project cannot touch it";
  EXPECT_FALSE(*store->record_late_usage(mine, "no-such-call", u));
}

}  // namespace brokle::storage
