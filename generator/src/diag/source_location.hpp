#pragma once

#include <string>

namespace hyperschema {

// Where something was written in a schema file. Lines and columns are 1-based,
// as editors and GCC-style diagnostics count them; 0 means "unknown".
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;

    bool known() const { return line > 0; }
};

// A name as written in the YAML, with the place it was written, so that a
// reference to an unknown column can point at the reference, not its table.
struct NameRef {
    std::string name;
    SourceLocation loc;
};

}  // namespace hyperschema
