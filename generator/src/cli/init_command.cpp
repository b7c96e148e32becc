// `hyperschema init [DIR]`: a commented starter schema to edit, one file
// that validates, migrates and draws as it is (a table, a hypertable with
// compression and retention, an hourly aggregate with its refresh policy).

#include <filesystem>
#include <iostream>
#include <string>

#include "cli/common.hpp"
#include "emit/printer.hpp"
#include "parse/node_reader.hpp"

namespace fs = std::filesystem;

namespace hyperschema::cli {
namespace {

constexpr const char* kStarter = R"(# A hyperschema schema: this directory's *.yaml files are one schema.
# Validate it:        hyperschema validate $dir$
# See it:             hyperschema graph $dir$
# First migration:    hyperschema migrate new init $dir$
# Apply and check it: hyperschema migrate up $dir$ --db "$$DATABASE_URL"
#                     hyperschema verify $dir$ --db "$$DATABASE_URL"
# Every key is explained in the README's "The DSL".
$settings$
tables:
  devices:
    comment: What sends readings
    columns:
      id: bigint
      name: text
      site: text?                      # `?`: nullable
      installed_at: {type: timestamptz, default_sql: now()}
    primary_key: [id]

  readings:
    columns:
      time: timestamptz
      device_id: {type: bigint, references: devices}
      power_w: double precision?
      energy_wh: double precision?
    hypertable:
      time_column: time
      chunk_interval: 1 day
      compression: {segment_by: [device_id], order_by: [time desc], after: 7 days}
      retention: 90 days               # raw rows; the aggregate below keeps its own
    indexes:
      readings_device_time: [device_id, time desc]

aggregates:
  readings_hourly:
    from: readings
    bucket: 1 hour
    group_by: [device_id]
    columns:
      avg_power_w: avg(power_w)
      energy_wh: sum(energy_wh)
      samples: count(*)
    refresh: {start_offset: 3 hours, end_offset: 1 hour, schedule: 30 minutes}
)";

}  // namespace

int run_init(const Options& o) {
    if (o.args.size() > 1) {
        std::cerr << error_prefix() << "init takes one directory\n";
        return kUsage;
    }
    const std::string dir = o.args.empty() ? "." : o.args[0];
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml") {
                std::cerr << error_prefix() << dir << " already holds " << entry.path().filename().string()
                          << "; init writes a starter schema into a new or empty directory\n";
                return kUsage;
            }
        }
    }
    fs::create_directories(dir, ec);
    if (ec) {
        std::cerr << error_prefix() << "cannot create " << dir << ": " << ec.message() << "\n";
        return kUsage;
    }
    // The directory names the schema unless it is not an identifier.
    fs::path absolute = fs::absolute(dir).lexically_normal();
    if (absolute.filename().empty()) absolute = absolute.parent_path();  // "dir/" and "."
    const std::string base = absolute.filename().string();
    const bool named = parse::identifier_problem(base, "schema").empty();
    emit::Printer p;
    p.print(kStarter, {{"dir", dir}, {"settings", named ? "" : "\nschema: {name: starter}\n"}});
    bool stale = false;
    const std::string path = (fs::path(dir) / "schema.yaml").string();
    if (int code = write_if_changed(path, p.text(), false, stale); code != kOk) return code;
    std::cout << "next: hyperschema validate " << dir << "\n";
    return kOk;
}

}  // namespace hyperschema::cli
