#pragma once

// File helpers shared by the tests: reading and listing test inputs, and the
// golden-file comparison with its update switch.

#include <string>
#include <utility>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema::testing {

// The schema in the *.yaml files of `dir`, compiled as schema `name`; fails
// the test (printing the diagnostics) when it does not compile.
Schema compiled_schema(const std::string& dir, const std::string& name);

std::string source_path(const std::string& relative);  // under the repository root
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
std::vector<std::string> subdirectories(const std::string& path);  // sorted names
// (relative path, text) of every *.yaml in dir, sorted by name; relative paths
// are prefixed with `prefix/`.
std::vector<std::pair<std::string, std::string>> yaml_files(const std::string& dir, const std::string& prefix);

// True when HYPERSCHEMA_UPDATE_GOLDEN=1: golden tests rewrite their expected
// files instead of comparing (review the result with git diff).
bool update_golden();
// The command that does so, naming this build's test binary.
inline constexpr const char* kUpdateHint =
    "to accept the new output, run: HYPERSCHEMA_UPDATE_GOLDEN=1 " HYPERSCHEMA_TESTS_BINARY_DIR
    "/hyperschema_unit_tests, then review git diff";

}  // namespace hyperschema::testing
