# Warnings for the project's own targets; RECD_WERROR (on in CI) makes them errors.
function(recd_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                         -Wnon-virtual-dtor -Wno-unused-parameter
                         # GCC 12 false positive on std::string concatenation and
                         # on std::initializer_list members (GCC 12 -Wmaybe-uninitialized)
                         -Wno-restrict -Wno-maybe-uninitialized)
  if(RECD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
