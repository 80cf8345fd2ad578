# Per-target settings, so that no global flag is changed: warnings everywhere, sanitizers when asked for.
function(recon_target_options target)
  # -Wno-psabi: GCC notes that vector values are passed differently with and without AVX; recon's vector code is
  # inlined into functions compiled per vector width (core/vector_clones.hpp) and no vector crosses a call.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wconversion -Wno-sign-conversion -Wno-psabi)
  if(RECON_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(RECON_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# A library of one pipeline area: src/recon/<area>/*.cpp, public include root src/.
function(recon_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  recon_target_options(${name})
endfunction()
