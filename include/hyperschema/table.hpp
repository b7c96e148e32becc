#pragma once

// What generated table code shares: column metadata for generic code
// (logging, CSV export, test factories) and the options of range queries.

#include <cstddef>
#include <string_view>

namespace hyperschema {

struct column_info {
    std::string_view name;
    std::string_view sql_type;  // as PostgreSQL's format_type() spells it
    bool nullable;
};

// Options of the generated time- and bucket-range queries.
struct range_options {
    bool descending = false;  // newest first
    std::size_t limit = 0;    // 0: no limit
};

// What an upsert does when the key already exists.
enum class on_conflict { update, do_nothing };

}  // namespace hyperschema
