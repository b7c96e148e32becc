#pragma once

namespace hyperschema {

inline constexpr const char* kVersion = "0.1.0";

// The oldest TimescaleDB the emitted SQL is written for: by_range() and
// by_hash() dimension builders (2.13), and continuous aggregates with a bucket
// origin, offset or time zone (2.15). Tested on 2.28.3.
inline constexpr const char* kMinTimescaleVersion = "2.15";

}  // namespace hyperschema
