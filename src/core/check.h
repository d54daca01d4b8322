// RECD_CHECK: invariants that abort with the expression and its location. Never for user input.
#pragma once

#include <cstdio>
#include <cstdlib>

#define RECD_CHECK(cond)                                                             \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: RECD_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)
