#pragma once

// The storage parameters a table takes (CREATE TABLE ... WITH (...)), one
// record each: its kind and range, as reloptions.c checks them. A new
// parameter is one record.

#include <array>
#include <string_view>

namespace hyperschema::catalog {

enum class ParameterKind { Integer, Real, Boolean, Word };

struct StorageParameter {
    std::string_view name;
    ParameterKind kind;
    double min = 0;
    double max = 0;
    std::string_view words{};  // for Word: the values it takes, '|'-separated
};

inline constexpr double kIntMax = 2147483647;

inline constexpr std::array<StorageParameter, 19> kStorageParameters{{
    {"fillfactor", ParameterKind::Integer, 10, 100},
    {"toast_tuple_target", ParameterKind::Integer, 128, 8160},
    {"parallel_workers", ParameterKind::Integer, 0, 1024},
    {"autovacuum_enabled", ParameterKind::Boolean},
    {"autovacuum_vacuum_threshold", ParameterKind::Integer, 0, kIntMax},
    {"autovacuum_vacuum_scale_factor", ParameterKind::Real, 0, 100},
    {"autovacuum_vacuum_insert_threshold", ParameterKind::Integer, -1, kIntMax},
    {"autovacuum_vacuum_insert_scale_factor", ParameterKind::Real, 0, 100},
    {"autovacuum_analyze_threshold", ParameterKind::Integer, 0, kIntMax},
    {"autovacuum_analyze_scale_factor", ParameterKind::Real, 0, 100},
    {"autovacuum_vacuum_cost_delay", ParameterKind::Real, 0, 100},
    {"autovacuum_vacuum_cost_limit", ParameterKind::Integer, 1, 10000},
    {"autovacuum_freeze_min_age", ParameterKind::Integer, 0, 1000000000},
    {"autovacuum_freeze_max_age", ParameterKind::Integer, 100000, 2000000000},
    {"autovacuum_freeze_table_age", ParameterKind::Integer, 0, 2000000000},
    {"log_autovacuum_min_duration", ParameterKind::Integer, -1, kIntMax},
    {"user_catalog_table", ParameterKind::Boolean},
    {"vacuum_truncate", ParameterKind::Boolean},
    {"vacuum_index_cleanup", ParameterKind::Word, 0, 0, "auto|on|off|true|false"},
}};

inline const StorageParameter* find_storage_parameter(std::string_view name) {
    for (const auto& p : kStorageParameters)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace hyperschema::catalog
