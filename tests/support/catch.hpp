#pragma once

// Catch2 as the tests use it, version 2 (Debian 12's single header) or 3
// (Debian 13's library): the few names that moved between them.

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>

#include <string>

#define HYPERSCHEMA_CATCH2_VERSION 3
namespace Catch {
// Version 2's name for the substring matcher.
inline Matchers::StringContainsMatcher Contains(const std::string& text) {
    return Matchers::ContainsSubstring(text);
}
}  // namespace Catch
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#define HYPERSCHEMA_CATCH2_VERSION 2
#endif
