#pragma once

// The privileges GRANT takes for each kind of object, one record per kind: the
// DSL's key words, GRANT's keyword, and how aclexplode() names each privilege
// (what verify reads). A new kind of object with grants is one record here.

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::catalog {

enum class GrantTarget { Table, View, Aggregate, Sequence, Function, Procedure, Namespace };

struct GrantTargetTraits {
    GrantTarget target;
    std::string_view name;        // "table", in messages and in verify's reports
    std::string_view keyword;     // GRANT ... ON <keyword>: TABLE, SEQUENCE, FUNCTION, PROCEDURE, SCHEMA
    std::string_view privileges;  // the privileges it takes, lowercase, '|'-separated, in GRANT's usual order
};

inline constexpr std::array<GrantTargetTraits, 7> kGrantTargets{{
    {GrantTarget::Table, "table", "TABLE", "select|insert|update|delete|truncate|references|trigger"},
    {GrantTarget::View, "view", "TABLE", "select|insert|update|delete|truncate|references|trigger"},
    // A continuous aggregate is read only; TimescaleDB passes the grant to its materialization.
    {GrantTarget::Aggregate, "continuous aggregate", "TABLE", "select"},
    {GrantTarget::Sequence, "sequence", "SEQUENCE", "usage|select|update"},
    {GrantTarget::Function, "function", "FUNCTION", "execute"},
    {GrantTarget::Procedure, "procedure", "PROCEDURE", "execute"},
    {GrantTarget::Namespace, "schema", "SCHEMA", "usage|create"},
}};

inline const GrantTargetTraits& grant_target(GrantTarget target) {
    return kGrantTargets[static_cast<std::size_t>(target)];
}

// The target's privileges, in its order.
std::vector<std::string> privileges_of(GrantTarget target);

}  // namespace hyperschema::catalog
