#===- QFHESanitizers.cmake - sanitized and fuzzing builds ----------------===#
#
# QFHE_SANITIZE=address,undefined builds every qfhe target with clang's
# sanitizers (Debian's libclang-rt-22-dev holds their runtimes). Undefined
# behaviour is fatal (-fno-sanitize-recover). The MLIR and LLVM libraries
# are not instrumented: the executables' defaults (qfhe_sanitize_executable,
# lib/Support/SanitizerDefaults.cpp) turn off ASan's user poisoning, which
# would otherwise report false "use-after-poison" errors in
# DenseElementsAttr and StorageUniquer.
#
# QFHE_FUZZ=ON adds libFuzzer's coverage instrumentation to every target
# (and the sanitizers, address,undefined unless QFHE_SANITIZE says
# otherwise) and builds the fuzz targets of fuzz/.
#
#===----------------------------------------------------------------------===#

set(QFHE_SANITIZE "" CACHE STRING
    "Sanitizers to build with, as for -fsanitize= (e.g. address,undefined)")
option(QFHE_FUZZ "Build the libFuzzer targets of fuzz/ (clang only)" OFF)

if(QFHE_FUZZ AND NOT QFHE_SANITIZE)
  set(QFHE_SANITIZE "address,undefined" CACHE STRING
      "Sanitizers to build with, as for -fsanitize= (e.g. address,undefined)"
      FORCE)
endif()

if(QFHE_SANITIZE OR QFHE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "QFHE_SANITIZE and QFHE_FUZZ need clang "
                        "(-DCMAKE_CXX_COMPILER=clang++-22)")
  endif()
endif()

if(QFHE_SANITIZE)
  message(STATUS "qfhe: sanitizers ${QFHE_SANITIZE}")
  # -O1 keeps the instrumented build and its tests quick enough for CI;
  # line tables give sanitizer reports file:line frames.
  add_compile_options(-fsanitize=${QFHE_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -gline-tables-only -O1)
  add_link_options(-fsanitize=${QFHE_SANITIZE})
endif()

if(QFHE_FUZZ)
  message(STATUS "qfhe: libFuzzer targets (fuzz/)")
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# qfhe_sanitize_executable(target)
# Gives a sanitized executable its default sanitizer options.
function(qfhe_sanitize_executable name)
  if(QFHE_SANITIZE)
    target_sources(${name} PRIVATE
      ${PROJECT_SOURCE_DIR}/lib/Support/SanitizerDefaults.cpp)
  endif()
endfunction()
