# The one-input bodies of the fuzz targets (tests/fuzz/fuzz_targets.hpp) as one static library, built with the
# options of the build that includes this file: libFuzzer instrumentation in the `fuzz` preset, plain or sanitized
# for the replay test (tests/CMakeLists.txt, fuzz_replay_test). An executable pulls in only the bodies it calls.
# Each target as name:function.
set(RECON_FUZZ_TARGETS csv_ingest:FuzzCsvIngest model_bundle:FuzzModelBundle trade_json:FuzzTradeJson
                       ws_message:FuzzWsMessage http_request:FuzzHttpRequest config:FuzzConfig llm_answer:FuzzLlmAnswer)
if(NOT TARGET recon_fuzz_bodies)
  set(sources ${CMAKE_CURRENT_LIST_DIR}/service_fixture.cpp)
  foreach(target ${RECON_FUZZ_TARGETS})
    string(REPLACE ":" ";" parts ${target})
    list(GET parts 0 name)
    list(APPEND sources ${CMAKE_CURRENT_LIST_DIR}/${name}_target.cpp)
  endforeach()
  add_library(recon_fuzz_bodies STATIC ${sources})
  target_link_libraries(recon_fuzz_bodies PUBLIC recon_server)
  target_include_directories(recon_fuzz_bodies PUBLIC ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(recon_fuzz_bodies PRIVATE RECON_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  recon_target_options(recon_fuzz_bodies)
endif()
