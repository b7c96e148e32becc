#pragma once

// Types of PostgreSQL's contrib extensions as C++ values. citext is
// std::string (its wire form is text's); hstore is a map from text keys to
// text values or NULL; ltree is a label path ("europe.germany.berlin"), kept
// as its text.

#include <compare>
#include <map>
#include <optional>
#include <string>

namespace hyperschema {

using hstore = std::map<std::string, std::optional<std::string>>;

struct ltree {
    std::string path;

    friend bool operator==(const ltree&, const ltree&) = default;
    friend auto operator<=>(const ltree&, const ltree&) = default;
};

}  // namespace hyperschema
