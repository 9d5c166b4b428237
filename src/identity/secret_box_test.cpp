#include "identity/secret_box.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace brokle::identity {
namespace {

namespace fs = std::filesystem;

master_key key_of(unsigned char fill) {
  std::array<unsigned char, master_key::size> bytes;
  bytes.fill(fill);
  return master_key(bytes);
}

// A fresh directory per test, removed afterwards.
class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "brokle-secret-box-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

unsigned file_mode(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0xFFFF;
  return static_cast<unsigned>(st.st_mode & 07777);
}

void write_file(const fs::path& p, const std::string& content, fs::perms perms) {
  std::ofstream(p, std::ios::binary) << content;
  fs::permissions(p, perms, fs::perm_options::replace);
}

// Compares what two keys do rather than their bytes, which stay private.
bool same_key(const master_key& a, const master_key& b) {
  secret_box box_a(a);
  secret_box box_b(b);
  auto opened = box_b.open(box_a.seal("probe"));
  return opened.ok() && *opened == "probe";
}

TEST(secret_box, round_trip) {
  secret_box box(key_of(7));
  for (std::string plaintext :
       {std::string(), std::string("sk-live-provider-key"), std::string(10000, 'z'), std::string("bin\0ary", 7)}) {
    std::string sealed = box.seal(plaintext);
    auto opened = box.open(sealed);
    ASSERT_TRUE(opened.ok()) << opened.err().message;
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(secret_box, sealed_text_is_url_safe_and_hides_the_plaintext) {
  secret_box box(key_of(7));
  std::string a = box.seal("same secret");
  std::string b = box.seal("same secret");
  EXPECT_NE(a, b);  // fresh nonce each time
  EXPECT_EQ(a.find("same secret"), std::string::npos);
  for (char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  // version + nonce + MAC + 11 bytes = 52 bytes -> 70 base64 characters without padding.
  EXPECT_EQ(a.size(), 70u);
}

TEST(secret_box, tampering_is_detected) {
  secret_box box(key_of(7));
  std::string sealed = box.seal("do not touch");
  // Flip one bit in every byte position of the decoded box and re-encode.
  std::vector<unsigned char> raw(sealed.size());
  size_t len = 0;
  ASSERT_EQ(sodium_base642bin(raw.data(), raw.size(), sealed.data(), sealed.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  raw.resize(len);
  for (size_t i = 0; i < raw.size(); ++i) {
    auto copy = raw;
    copy[i] ^= 0x01;
    std::string text(sodium_base64_encoded_len(copy.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(text.data(), text.size(), copy.data(), copy.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    text.resize(text.size() - 1);
    auto opened = box.open(text);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    // Byte 0 is the version: a different version is a format error, the rest fail the MAC.
    EXPECT_EQ(opened.err().code, i == 0 ? errc::invalid_argument : errc::internal) << "byte " << i;
  }
}

TEST(secret_box, wrong_key_fails_cleanly) {
  secret_box box(key_of(7));
  secret_box other(key_of(8));
  auto opened = other.open(box.seal("for key 7 only"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.err().code, errc::internal);
}

TEST(secret_box, garbage_is_rejected) {
  secret_box box(key_of(7));
  for (std::string garbage : {std::string(), std::string("A"), std::string("not base64!"), std::string("AQ"),
                              std::string(40, 'A'), std::string("AAAA=")}) {
    auto opened = box.open(garbage);
    ASSERT_FALSE(opened.ok()) << garbage;
    EXPECT_EQ(opened.err().code, errc::invalid_argument) << garbage;
  }
  std::string sealed = box.seal("truncate me");
  EXPECT_FALSE(box.open(sealed.substr(0, sealed.size() - 1)).ok());
  EXPECT_FALSE(box.open(sealed.substr(0, 30)).ok());
  EXPECT_FALSE(box.open(sealed + "A").ok());
}

TEST(master_key_loading, env_hex_and_base64) {
  temp_dir dir;
  std::string hex(64, '0');
  hex[63] = '1';
  bool created = true;
  auto from_hex = load_master_key(hex, dir.path(), &created);
  ASSERT_TRUE(from_hex.ok()) << from_hex.err().message;
  EXPECT_FALSE(created);
  EXPECT_FALSE(fs::exists(dir.path() / "master.key"));

  // The same 32 bytes in the four base64 spellings, and upper-case hex.
  std::array<unsigned char, 32> bytes{};
  bytes[31] = 1;
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    std::string b64(sodium_base64_encoded_len(bytes.size(), variant), '\0');
    sodium_bin2base64(b64.data(), b64.size(), bytes.data(), bytes.size(), variant);
    b64.resize(b64.size() - 1);
    auto k = load_master_key(" " + b64 + "\n", dir.path(), nullptr);
    ASSERT_TRUE(k.ok()) << variant;
    EXPECT_TRUE(same_key(*k, *from_hex));
  }
}

TEST(master_key_loading, bad_env_values_are_rejected_without_echo) {
  temp_dir dir;
  for (std::string bad : {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'), std::string("c2hvcnQ="),
                          std::string("super-secret-but-wrong")}) {
    auto k = load_master_key(bad, dir.path(), nullptr);
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_EQ(k.err().code, errc::invalid_argument);
    EXPECT_EQ(k.err().message.find(bad), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(dir.path() / "master.key"));
}

TEST(master_key_loading, creates_a_private_key_file_once) {
  temp_dir dir;
  fs::path data = dir.path() / "nested" / "data";
  bool created = false;
  auto first = load_master_key(std::nullopt, data, &created);
  ASSERT_TRUE(first.ok()) << first.err().message;
  EXPECT_TRUE(created);
  fs::path file = data / "master.key";
  EXPECT_EQ(file_mode(file), 0600u);
  EXPECT_EQ(fs::file_size(file), 65u);  // 64 hex + newline
  // No temporary files left behind.
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(data)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);

  bool created_again = true;
  auto second = load_master_key(std::nullopt, data, &created_again);
  ASSERT_TRUE(second.ok()) << second.err().message;
  EXPECT_FALSE(created_again);
  EXPECT_TRUE(same_key(*first, *second));
  // A blank env value counts as absent.
  auto third = load_master_key(std::string("  "), data, nullptr);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(same_key(*first, *third));
}

TEST(master_key_loading, refuses_wide_permissions) {
  temp_dir dir;
  fs::path file = dir.path() / "master.key";
  write_file(file, std::string(64, 'a') + "\n", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto k = load_master_key(std::nullopt, dir.path(), nullptr);
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.err().code, errc::permission_denied);
  EXPECT_NE(k.err().message.find("0640"), std::string::npos) << k.err().message;
  EXPECT_NE(k.err().message.find("chmod 600"), std::string::npos);

  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec,
                  fs::perm_options::replace);
  EXPECT_FALSE(load_master_key(std::nullopt, dir.path(), nullptr).ok());
  // Narrower than 0600 is fine.
  fs::permissions(file, fs::perms::owner_read, fs::perm_options::replace);
  EXPECT_TRUE(load_master_key(std::nullopt, dir.path(), nullptr).ok());
}

TEST(master_key_loading, reads_hex_and_raw_files) {
  temp_dir dir;
  fs::path file = dir.path() / "master.key";
  std::string hex(64, '0');
  hex[63] = '1';
  write_file(file, hex + "\r\n", fs::perms::owner_read | fs::perms::owner_write);
  auto from_file = load_master_key(std::nullopt, dir.path(), nullptr);
  ASSERT_TRUE(from_file.ok()) << from_file.err().message;
  auto from_env = load_master_key(hex, dir.path(), nullptr);
  ASSERT_TRUE(from_env.ok());
  EXPECT_TRUE(same_key(*from_file, *from_env));

  std::string raw(32, '\0');
  raw[31] = '\x01';
  write_file(file, raw, fs::perms::owner_read | fs::perms::owner_write);
  auto from_raw = load_master_key(std::nullopt, dir.path(), nullptr);
  ASSERT_TRUE(from_raw.ok());
  EXPECT_TRUE(same_key(*from_raw, *from_env));
}

TEST(master_key_loading, rejects_malformed_files) {
  temp_dir dir;
  fs::path file = dir.path() / "master.key";
  for (std::string bad : {std::string(), std::string(31, 'a'), std::string(33, 'a'), std::string(64, 'x'),
                          std::string(64, 'a') + "\nextra", std::string(1000, 'a')}) {
    write_file(file, bad, fs::perms::owner_read | fs::perms::owner_write);
    auto k = load_master_key(std::nullopt, dir.path(), nullptr);
    ASSERT_FALSE(k.ok()) << bad.size();
    EXPECT_EQ(k.err().code, errc::invalid_argument);
  }
  fs::remove(file);
  fs::create_directory(file);
  fs::permissions(file, fs::perms::owner_all, fs::perm_options::replace);
  auto dir_as_key = load_master_key(std::nullopt, dir.path(), nullptr);
  EXPECT_FALSE(dir_as_key.ok());
}

TEST(master_key, move_wipes_the_source) {
  master_key a = key_of(9);
  master_key b(std::move(a));
  std::array<unsigned char, master_key::size> zeros{};
  EXPECT_EQ(sodium_memcmp(a.data(), zeros.data(), zeros.size()), 0);  // NOLINT: moved-from on purpose
  EXPECT_NE(sodium_memcmp(b.data(), zeros.data(), zeros.size()), 0);
}

}  // namespace
}  // namespace brokle::identity
