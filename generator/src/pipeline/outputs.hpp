#pragma once

// Everything `hyperschema generate` derives from one schema, under
// OUT/<schema>/: the full SQL and the C++ headers. Migrations are not among
// them (`migrate new` writes those); the headers embed the ones on disk.

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema {

struct GeneratedFile {
    std::string path;
    std::string content;
};

// Embeds the migrations of `migrations_dir` (default OUT/<schema>/migrations;
// none when it does not exist); throws hyperschema::error when that history
// is broken (gaps, a missing half).
std::vector<GeneratedFile> generated_files(const Schema& schema, const std::string& out,
                                           const std::string& migrations_dir = "");

}  // namespace hyperschema
