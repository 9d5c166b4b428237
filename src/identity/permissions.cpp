#include "identity/permissions.hpp"

#include <array>

namespace brokle::identity {

namespace {
struct row {
  permission p;
  std::string_view name;
  std::array<bool, 4> allowed;  // viewer, developer, admin, owner (org_role order)
};

constexpr std::array<row, 15> kMatrix = {{
    {permission::org_read, "org.read", {true, true, true, true}},
    {permission::org_update, "org.update", {false, false, true, true}},
    {permission::org_delete, "org.delete", {false, false, false, true}},
    {permission::members_read, "members.read", {true, true, true, true}},
    {permission::members_manage, "members.manage", {false, false, true, true}},
    {permission::projects_read, "projects.read", {true, true, true, true}},
    {permission::projects_write, "projects.write", {false, true, true, true}},
    {permission::projects_delete, "projects.delete", {false, false, true, true}},
    {permission::keys_read, "keys.read", {true, true, true, true}},
    {permission::keys_manage, "keys.manage", {false, true, true, true}},
    {permission::audit_read, "audit.read", {false, false, true, true}},
    {permission::telemetry_read, "telemetry.read", {true, true, true, true}},
    {permission::telemetry_manage, "telemetry.manage", {false, false, true, true}},
    {permission::providers_read, "providers.read", {true, true, true, true}},
    {permission::providers_manage, "providers.manage", {false, false, true, true}},
}};
}  // namespace

bool role_allows(org_role role, permission p) noexcept {
  for (const auto& r : kMatrix)
    if (r.p == p) return r.allowed[static_cast<size_t>(role)];
  return false;
}

std::string_view permission_name(permission p) noexcept {
  for (const auto& r : kMatrix)
    if (r.p == p) return r.name;
  return "unknown";
}

std::string_view role_name(org_role r) noexcept {
  switch (r) {
    case org_role::owner: return "owner";
    case org_role::admin: return "admin";
    case org_role::developer: return "developer";
    case org_role::viewer: return "viewer";
  }
  return "viewer";
}

std::optional<org_role> parse_role(std::string_view s) noexcept {
  if (s == "owner") return org_role::owner;
  if (s == "admin") return org_role::admin;
  if (s == "developer") return org_role::developer;
  if (s == "viewer") return org_role::viewer;
  return std::nullopt;
}

std::string permission_matrix_markdown() {
  std::string out = "| permission | owner | admin | developer | viewer |\n|---|---|---|---|---|\n";
  for (const auto& r : kMatrix) {
    out += "| `" + std::string(r.name) + "` |";
    for (int role : {3, 2, 1, 0}) out += r.allowed[static_cast<size_t>(role)] ? " yes |" : " — |";
    out += "\n";
  }
  return out;
}

}  // namespace brokle::identity
