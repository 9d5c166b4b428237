// First-run and scripting commands that work directly on the data dir (no server needed):
//   brokle user create --email E --password-stdin [--name N] [--admin]
//   brokle project create --name N [--owner EMAIL]      prints the project id
//   brokle key create --project NAME_OR_ID [--name N]   prints only the full key
// Projects created here belong to the owner's first organization ("Default", created if needed);
// the owner defaults to the first admin user.
#pragma once

#include <string>

#include "app/config.hpp"

namespace brokle::app {

struct user_create_args {
  std::string email;
  std::string name;
  bool admin = false;
};
struct project_create_args {
  std::string name;
  std::string owner_email;
};
struct key_create_args {
  std::string project;
  std::string name = "cli";
};

int user_create(const resolved_config& rc, const user_create_args& a, const std::string& password);
int project_create(const resolved_config& rc, const project_create_args& a);
int key_create(const resolved_config& rc, const key_create_args& a);

}  // namespace brokle::app
