// Tenant scope as types. Every store call that touches tenant data takes one of these, and the
// only way to get one is from the access policy after it checked membership (or from the API-key
// index for SDK calls). Constructors are private: code cannot invent a scope from a raw id.
#pragma once

#include <string>

namespace brokle {

namespace identity {
class access_policy;
class api_key_index;
}  // namespace identity
struct scope_factory_for_tests;

enum class org_role { viewer = 0, developer = 1, admin = 2, owner = 3 };

class org_scope {
 public:
  const std::string& org_id() const noexcept { return org_id_; }
  org_role role() const noexcept { return role_; }

 private:
  friend class identity::access_policy;
  friend struct scope_factory_for_tests;
  org_scope(std::string org_id, org_role role) : org_id_(std::move(org_id)), role_(role) {}
  std::string org_id_;
  org_role role_;
};

class project_scope {
 public:
  const std::string& org_id() const noexcept { return org_id_; }
  const std::string& project_id() const noexcept { return project_id_; }

 private:
  friend class identity::access_policy;
  friend class identity::api_key_index;
  friend struct scope_factory_for_tests;
  project_scope(std::string org_id, std::string project_id)
      : org_id_(std::move(org_id)), project_id_(std::move(project_id)) {}
  std::string org_id_;
  std::string project_id_;
};

}  // namespace brokle
