#pragma once

// Everything `hyperschema generate` derives from one schema, under
// OUT/<schema>/: the full SQL, the C++ headers (include/<schema>/: schema.hpp,
// migrations.hpp, enums.hpp, tables/, views/, aggregates/) and the C++ source
// that defines what they declare (src/<schema>.cpp). Migrations are not among
// them (`migrate new` writes those); the source embeds the ones on disk.

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
// `sources` splits the C++ definitions into that many files: src/<schema>.cpp
// (with the migrations) and src/<schema>_1.cpp ... A relation's file depends
// on its name only, so a change recompiles one file.
std::vector<GeneratedFile> generated_files(const Schema& schema, const std::string& out,
                                           const std::string& migrations_dir = "", int sources = 1);

// Files in OUT/<schema>/ that an earlier generation wrote and `files` no
// longer has (the header of a table since dropped): generate deletes them,
// check reports them.
std::vector<std::string> stale_generated_files(const Schema& schema, const std::string& out,
                                               const std::vector<GeneratedFile>& files);

}  // namespace hyperschema
