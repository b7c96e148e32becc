#include "pipeline/compile.hpp"

#include <algorithm>
#include <filesystem>

#include "parse/schema_parser.hpp"
#include "validate/validate.hpp"

namespace hyperschema {

namespace fs = std::filesystem;

static void compile_files(CompileResult& result, const std::vector<parse::SourceFile>& files, const std::string& dir) {
    result.schema = parse::parse_schema(files, dir, result.diags);
    validate(result.schema, result.diags);
}

CompileResult compile_directory(const std::string& dir) {
    CompileResult result;
    auto files = parse::load_schema_files(dir, result.diags, &result.io_error);
    if (result.io_error) return result;
    compile_files(result, files, dir);
    return result;
}

CompileResult compile_texts(const std::vector<std::pair<std::string, std::string>>& texts, const std::string& name) {
    CompileResult result;
    std::vector<parse::SourceFile> files;
    for (const auto& [path, text] : texts) files.push_back(parse::load_yaml_text(path, text, result.diags));
    compile_files(result, files, name);
    return result;
}

static bool holds_yaml(const fs::path& dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto ext = it->path().extension();
        if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) return true;
    }
    return false;
}

std::vector<std::string> find_schema_directories(const std::string& path) {
    if (holds_yaml(path)) return {path};
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_directory() && holds_yaml(it->path())) out.push_back(it->path().lexically_normal().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace hyperschema
