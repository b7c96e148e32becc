#pragma once

// Shared by the generator and the runtime headers, so generated code can check
// at compile time that it matches the runtime it is built against.

namespace hyperschema {

inline constexpr const char* kVersion = "0.1.0";

// The oldest TimescaleDB the emitted SQL is written for (see the README's
// version table): by_range()/by_hash() dimension builders arrived in 2.13,
// continuous aggregates with a bucket origin, offset or time zone in 2.15.
// Tested on 2.28.3.
inline constexpr const char* kMinTimescaleVersion = "2.15";

}  // namespace hyperschema
