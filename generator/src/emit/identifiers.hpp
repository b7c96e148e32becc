#pragma once

#include <string>
#include <string_view>

namespace hyperschema::emit {

// Quotes an identifier exactly when PostgreSQL needs it, as pg_dump does:
// names that are not plain lowercase identifiers, and keywords other than the
// unreserved ones (so a column called `time` is written "time").
std::string quote_ident(std::string_view name);

// namespace.name, each part quoted as needed.
std::string qualified(std::string_view ns, std::string_view name);

// A string literal: 'it''s'. Backslashes are plain characters with
// standard_conforming_strings, on by default since PostgreSQL 9.1.
std::string quote_literal(std::string_view text);

// A regclass argument for TimescaleDB functions: 'public.metrics' (the
// qualified, quoted name inside a string literal).
std::string regclass_literal(std::string_view ns, std::string_view name);

bool is_keyword_needing_quotes(std::string_view word);

}  // namespace hyperschema::emit
