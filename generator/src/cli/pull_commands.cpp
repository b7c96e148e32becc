// pull: a live database's namespace written as a schema directory, through
// the compiler (so what is written is what the compiler reads back), with
// what the DSL cannot say carried as `sql:` objects and listed.

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/common.hpp"
#include "emit/yaml_writer.hpp"
#include "hyperschema/hyperschema.hpp"
#include "pull/pull.hpp"

namespace fs = std::filesystem;

namespace hyperschema::cli {
namespace {

// Files in `dir` that would be read as part of the schema but that pull does not write.
std::vector<std::string> foreign_yaml(const std::string& dir) {
    std::vector<std::string> out;
    const auto known = emit::schema_file_names();
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto ext = it->path().extension();
        if (!it->is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
        const std::string name = it->path().filename().string();
        if (std::find(known.begin(), known.end(), name) == known.end()) out.push_back(it->path().string());
    }
    return out;
}

// Writes the schema's files into `dir`, removing those of pull's that are now empty.
int write_schema_files(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        std::cerr << error_prefix() << "cannot create " << dir << ": " << ec.message() << "\n";
        return kUsage;
    }
    bool stale = false;
    for (const auto& [name, text] : files)
        if (int code = write_if_changed((fs::path(dir) / name).string(), text, false, stale); code != kOk) return code;
    for (const auto& known : emit::schema_file_names()) {
        // Data migrations are the user's own: a database has none to pull.
        if (known == "backfills.yaml") continue;
        bool written = false;
        for (const auto& f : files) written = written || f.first == known;
        if (!written) fs::remove(fs::path(dir) / known, ec);
    }
    return kOk;
}

void list_unsupported(const pull::Draft& draft) {
    for (const auto& u : draft.unsupported)
        std::cerr << "hyperschema: " << u.kind << " " << u.name << " is written as SQL (`sql:` object): " << u.why
                  << "\n";
    for (const auto& u : draft.not_carried)
        std::cerr << "hyperschema: " << u.kind << " " << u.name << " is NOT written: " << u.why << "\n";
}

}  // namespace

int run_pull(const Options& o) {
    if (!o.args.empty()) {
        std::cerr << error_prefix() << "pull takes no directory; name where it writes with --out DIR\n";
        return kUsage;
    }
    const std::vector<std::string> namespaces =
        o.namespaces.empty() ? std::vector<std::string>{"public"} : o.namespaces;
    int code = kOk;
    bool carried = false;  // something was carried as SQL without --allow-unsupported
    try {
        auto conn = connect(o.db);
        for (const auto& ns : namespaces) {
            pull::PulledSchema pulled = pull::pull_schema(conn, ns, namespaces.size() == 1 ? o.name : "");
            if (!pulled.compiled.ok()) {
                // Names the DSL cannot take (uppercase, too long) and whatever
                // else the compiler refuses in what pull wrote.
                std::cerr << pulled.compiled.diags.format(colour_on_stderr()) << "hyperschema: namespace " << ns
                          << " holds what the DSL cannot express yet (the compiler's findings on the YAML pull "
                             "wrote, above); nothing was written. Names must be lowercase identifiers (rename "
                             "others first: ALTER TABLE \"Name\" RENAME TO name); column types must be ones the "
                             "DSL knows\n";
                code = kProblem;
                continue;
            }
            const std::string dir =
                o.out_given ? (namespaces.size() == 1 ? o.out : (fs::path(o.out) / ns).string()) : pulled.draft.name;
            emit::YamlStyle style;
            style.omit_defaults = true;
            const auto files = emit::schema_files(pulled.compiled.schema, style);
            if (auto others = foreign_yaml(dir); !others.empty()) {
                std::cerr << error_prefix() << dir << " holds YAML that pull does not write (" << others[0]
                          << "); pull into an empty directory\n";
                return kUsage;
            }
            if (int written = write_schema_files(dir, files); written != kOk) return written;
            list_unsupported(pulled.draft);
            std::cout << dir << ": " << pulled.compiled.schema.tables.size() << " tables, "
                      << pulled.compiled.schema.views.size() << " views, " << pulled.compiled.schema.aggregates.size()
                      << " continuous aggregates, " << pulled.compiled.schema.functions.size()
                      << " functions from namespace " << ns << " (" << pulled.draft.name << ")\n";
            const bool lossy = !pulled.draft.unsupported.empty() || !pulled.draft.not_carried.empty();
            if (!pulled.draft.not_carried.empty() || (lossy && !o.allow_unsupported)) code = kProblem;
            carried = carried || (!pulled.draft.unsupported.empty() && !o.allow_unsupported);
        }
    } catch (const std::exception& e) {
        std::cerr << error_prefix() << e.what() << "\n";
        return kUsage;
    }
    if (carried)
        std::cerr << "hyperschema: some objects are not in the DSL's own terms (listed above); pass "
                     "--allow-unsupported to accept those carried as SQL\n";
    return code;
}

}  // namespace hyperschema::cli
