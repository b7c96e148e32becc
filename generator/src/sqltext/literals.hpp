#pragma once

// Recognisers for the literal forms a column default may take. Hand-written
// rather than std::regex: libstdc++'s regex recurses once per character, so a
// long default overflows the stack (found by the fuzzer).

#include <string_view>

namespace hyperschema::sqltext {

bool is_integer_literal(std::string_view text);  // -?digits
bool is_number_literal(std::string_view text);   // integers, decimals, exponents, NaN, Infinity
bool is_uuid_literal(std::string_view text);     // 8-4-4-4-12 hex digits
bool starts_with_call(std::string_view text);    // `name(` after optional spaces

}  // namespace hyperschema::sqltext
