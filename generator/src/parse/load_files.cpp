#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "parse/schema_parser.hpp"

namespace hyperschema::parse {

namespace fs = std::filesystem;

// The commonest YAML trap in our DSL: `?` (a nullable type) inside a flow
// mapping `{...}` is YAML syntax, not text.
static std::string syntax_hint(const std::string& text, const YAML::ParserException& e) {
    std::istringstream lines(text);
    std::string line;
    for (int i = 0; i <= e.mark.line && std::getline(lines, line); ++i) {
    }
    if (e.msg == "unknown token" && line.find('?') != std::string::npos && line.find('{') != std::string::npos) {
        return "; inside a flow mapping `{...}` quote a nullable type, e.g. `{value: \"real?\"}`";
    }
    return "";
}

SourceFile load_yaml_text(const std::string& path, const std::string& text, Diagnostics& diags) {
    SourceFile file{path, YAML::Node()};
    try {
        file.root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        diags.error({path, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg + syntax_hint(text, e));
        file.root = YAML::Node();
    } catch (const YAML::Exception& e) {
        diags.error({path, 0, 0}, std::string("YAML error: ") + e.what());
        file.root = YAML::Node();
    }
    return file;
}

std::vector<SourceFile> load_schema_files(const std::string& dir, Diagnostics& diags, bool* io_error) {
    std::vector<fs::path> paths;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto ext = it->path().extension();
        if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) paths.push_back(it->path());
    }
    if (ec) {
        diags.error({dir, 0, 0}, "cannot read schema directory: " + ec.message());
        *io_error = true;
        return {};
    }
    std::sort(paths.begin(), paths.end());
    std::vector<SourceFile> files;
    for (const auto& path : paths) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in && !in.eof()) {
            diags.error({path.string(), 0, 0}, "cannot read file");
            *io_error = true;
            continue;
        }
        files.push_back(load_yaml_text(path.lexically_normal().string(), text.str(), diags));
    }
    return files;
}

}  // namespace hyperschema::parse
