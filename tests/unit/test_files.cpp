#include "unit/test_files.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "pipeline/compile.hpp"
#include "support/catch.hpp"

namespace fs = std::filesystem;

namespace hyperschema::testing {

Schema compiled_schema(const std::string& dir, const std::string& name) {
    CompileResult r = compile_texts(yaml_files(dir, name), name);
    INFO(dir << "\n" << r.diags.format());
    REQUIRE(r.ok());
    return r.schema;
}

std::string source_path(const std::string& relative) {
    return std::string(HYPERSCHEMA_SOURCE_DIR) + "/" + relative;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_text(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::vector<std::string> subdirectories(const std::string& path) {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(path)) {
        if (entry.is_directory()) out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::pair<std::string, std::string>> yaml_files(const std::string& dir, const std::string& prefix) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& n : names) out.emplace_back(prefix + "/" + n, read_text(dir + "/" + n));
    return out;
}

bool update_golden() {
    const char* v = std::getenv("HYPERSCHEMA_UPDATE_GOLDEN");
    return v && std::string(v) == "1";
}

}  // namespace hyperschema::testing
