// The role -> permission matrix for organizations, written once and enforced on every dashboard
// route. docs/permissions.md is generated from the same table (`permission_matrix_markdown`).
//
//                         owner admin developer viewer
//   org.read                x     x      x        x
//   org.update              x     x
//   org.delete              x
//   members.read            x     x      x        x
//   members.manage          x     x                     (owners alone grant/revoke owner)
//   projects.read           x     x      x        x
//   projects.write          x     x      x
//   projects.delete         x     x
//   keys.read               x     x      x        x     (previews only; secrets are never stored)
//   keys.manage             x     x      x
//   audit.read              x     x
//   telemetry.read          x     x      x        x
//   telemetry.manage        x     x                     (retention, purge, vacuum)
//   providers.read          x     x      x        x     (names, models, key hints; never keys)
//   providers.manage        x     x                     (add/change/remove provider credentials)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/tenant_scope.hpp"

namespace brokle::identity {

enum class permission {
  org_read,
  org_update,
  org_delete,
  members_read,
  members_manage,
  projects_read,
  projects_write,
  projects_delete,
  keys_read,
  keys_manage,
  audit_read,
  telemetry_read,
  telemetry_manage,
  providers_read,
  providers_manage,
};

bool role_allows(org_role role, permission p) noexcept;
std::string_view permission_name(permission p) noexcept;
std::string_view role_name(org_role r) noexcept;
std::optional<org_role> parse_role(std::string_view s) noexcept;
std::string permission_matrix_markdown();

}  // namespace brokle::identity
