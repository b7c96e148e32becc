#include "catalog/functions.hpp"

#include <algorithm>
#include <array>

namespace hyperschema::catalog {
namespace {

constexpr std::array kFunctions{
    // The clock: now() and its SQL-standard spellings.
    FunctionTraits{"now", BaseType::Timestamptz},
    FunctionTraits{"current_timestamp", BaseType::Timestamptz},
    FunctionTraits{"clock_timestamp", BaseType::Timestamptz},
    FunctionTraits{"statement_timestamp", BaseType::Timestamptz},
    FunctionTraits{"transaction_timestamp", BaseType::Timestamptz},
    FunctionTraits{"localtimestamp", BaseType::Timestamp},
    FunctionTraits{"current_date", BaseType::Date},
    FunctionTraits{"localtime", BaseType::Time},
    FunctionTraits{"current_time", BaseType::Timetz},
    FunctionTraits{"timeofday", BaseType::Text},
    // Identifiers and random values.
    FunctionTraits{"gen_random_uuid", BaseType::Uuid},
    FunctionTraits{"random", BaseType::DoublePrecision},
    FunctionTraits{"current_user", BaseType::Text},
    FunctionTraits{"nextval", BaseType::Bigint},
    FunctionTraits{"txid_current", BaseType::Bigint},
    // Extensions' functions that defaults use.
    FunctionTraits{"uuid_generate_v1", BaseType::Uuid, "uuid-ossp"},
    FunctionTraits{"uuid_generate_v1mc", BaseType::Uuid, "uuid-ossp"},
    FunctionTraits{"uuid_generate_v4", BaseType::Uuid, "uuid-ossp"},
    FunctionTraits{"digest", BaseType::Bytea, "pgcrypto"},
    FunctionTraits{"gen_random_bytes", BaseType::Bytea, "pgcrypto"},
    FunctionTraits{"crypt", BaseType::Text, "pgcrypto"},
    FunctionTraits{"gen_salt", BaseType::Text, "pgcrypto"},
};

}  // namespace

const FunctionTraits* find_function(std::string_view name) {
    auto it =
        std::find_if(kFunctions.begin(), kFunctions.end(), [&](const FunctionTraits& f) { return f.name == name; });
    return it == kFunctions.end() ? nullptr : &*it;
}

std::span<const FunctionTraits> all_functions() {
    return kFunctions;
}

}  // namespace hyperschema::catalog
