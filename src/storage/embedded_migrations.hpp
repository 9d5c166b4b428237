// Schema migrations compiled into the binary (generated from storage/migrations/<backend>/*.sql).
#pragma once

#include <string_view>
#include <vector>

namespace brokle::storage {

struct migration_file {
  std::string_view backend;    // "sqlite", "postgres", ...
  int version;                 // NNNN from the file name
  std::string_view name;       // the part after NNNN_
  std::string_view direction;  // "up" | "down"
  std::string_view sql;
};

const std::vector<migration_file>& embedded_migration_files();

}  // namespace brokle::storage
