#pragma once

// TimescaleDB's policy kinds, one record each: the DSL's key for the kind,
// the functions that add and remove such a policy, the job it runs
// (bgw_job.proc_name), and the parameter (and job config key) of its main
// setting. The compiler (parser, validator, SQL, diff, generated metadata)
// and verify() read this table; a new kind is one record here, plus the cases
// the compiler asks for in every `switch` over PolicyKind.

#include <array>
#include <cstddef>
#include <string_view>

namespace hyperschema {

enum class PolicyKind { Refresh, Compression, Retention, Reorder };

struct PolicyKindTraits {
    PolicyKind kind;
    std::string_view enumerator;    // the PolicyKind enumerator, for generated code
    std::string_view key;           // in the YAML: `refresh:`, `compression:` (its `after`), `retention:`, `reorder:`
    std::string_view name;          // in messages and reports: "refresh policy"
    std::string_view proc;          // _timescaledb_config.bgw_job.proc_name
    std::string_view add_function;  // add_continuous_aggregate_policy
    std::string_view remove_function;  // remove_continuous_aggregate_policy
    // The main setting: the add function's parameter and the job's config key.
    std::string_view threshold;
    bool threshold_is_interval;  // an age or offset; reorder's is an index name
    std::string_view second;     // a second one (end_offset), or ""
    bool schedule_parameter;     // the add function takes schedule_interval (reorder's does not: alter_job sets it)
    bool on_hypertables;
    bool on_aggregates;
};

inline constexpr std::array<PolicyKindTraits, 4> kPolicyKinds{{
    {PolicyKind::Refresh, "Refresh", "refresh", "refresh policy", "policy_refresh_continuous_aggregate",
     "add_continuous_aggregate_policy", "remove_continuous_aggregate_policy", "start_offset", true, "end_offset", true,
     false, true},
    {PolicyKind::Compression, "Compression", "compression", "compression policy", "policy_compression",
     "add_compression_policy", "remove_compression_policy", "compress_after", true, "", true, true, true},
    {PolicyKind::Retention, "Retention", "retention", "retention policy", "policy_retention", "add_retention_policy",
     "remove_retention_policy", "drop_after", true, "", true, true, true},
    {PolicyKind::Reorder, "Reorder", "reorder", "reorder policy", "policy_reorder", "add_reorder_policy",
     "remove_reorder_policy", "index_name", false, "", false, true, false},
}};

constexpr bool policy_kinds_in_order() {
    for (std::size_t i = 0; i < kPolicyKinds.size(); ++i)
        if (static_cast<std::size_t>(kPolicyKinds[i].kind) != i) return false;
    return true;
}
static_assert(policy_kinds_in_order(), "kPolicyKinds lists the kinds in PolicyKind's order, one record each");

constexpr const PolicyKindTraits& policy_traits(PolicyKind kind) {
    return kPolicyKinds[static_cast<std::size_t>(kind)];
}

// The record whose job runs `proc`, or nullptr (a job that is not a policy).
constexpr const PolicyKindTraits* policy_traits_of_proc(std::string_view proc) {
    for (const auto& k : kPolicyKinds)
        if (k.proc == proc) return &k;
    return nullptr;
}

// "compression policy": the record's name (a NUL-terminated literal).
inline const char* policy_kind_name(PolicyKind kind) {
    return policy_traits(kind).name.data();
}

}  // namespace hyperschema
