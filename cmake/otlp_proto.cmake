# OTLP protobuf messages and gRPC service stubs, generated from our .proto files in
# src/telemetry/otlp/proto into ${CMAKE_BINARY_DIR}/generated/otlp. Two static libraries so the
# generated code compiles once:
#   brokle_otlp_proto  the messages (libprotobuf only), used by the decoders;
#   brokle_otlp_grpc   the service stubs (adds grpc++), for the OTLP/gRPC server.
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG QUIET)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
if(NOT TARGET gRPC::grpc++)
  pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++)
  add_library(gRPC::grpc++ ALIAS PkgConfig::GRPCPP)
endif()

set(OTLP_PROTO_ROOT ${CMAKE_SOURCE_DIR}/src/telemetry/otlp/proto)
set(OTLP_GEN_DIR ${CMAKE_BINARY_DIR}/generated/otlp)
set(OTLP_PROTOS
    opentelemetry/proto/common/v1/common
    opentelemetry/proto/resource/v1/resource
    opentelemetry/proto/trace/v1/trace
    opentelemetry/proto/logs/v1/logs
    opentelemetry/proto/metrics/v1/metrics
    opentelemetry/proto/collector/trace/v1/trace_service
    opentelemetry/proto/collector/logs/v1/logs_service
    opentelemetry/proto/collector/metrics/v1/metrics_service)

set(otlp_message_srcs)
set(otlp_grpc_srcs)
set(otlp_proto_files)
foreach(p ${OTLP_PROTOS})
  list(APPEND otlp_proto_files ${OTLP_PROTO_ROOT}/${p}.proto)
endforeach()
foreach(p ${OTLP_PROTOS})
  set(outs ${OTLP_GEN_DIR}/${p}.pb.cc ${OTLP_GEN_DIR}/${p}.pb.h)
  set(plugin_args)
  if(p MATCHES "/collector/")
    list(APPEND outs ${OTLP_GEN_DIR}/${p}.grpc.pb.cc ${OTLP_GEN_DIR}/${p}.grpc.pb.h)
    list(APPEND otlp_grpc_srcs ${OTLP_GEN_DIR}/${p}.grpc.pb.cc)
    set(plugin_args --grpc_out=${OTLP_GEN_DIR} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
  endif()
  list(APPEND otlp_message_srcs ${OTLP_GEN_DIR}/${p}.pb.cc)
  add_custom_command(
    OUTPUT ${outs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${OTLP_GEN_DIR}
    COMMAND protobuf::protoc -I ${OTLP_PROTO_ROOT} --cpp_out=${OTLP_GEN_DIR} ${plugin_args}
            ${OTLP_PROTO_ROOT}/${p}.proto
    # Imports change the generated code of their importers, so every file depends on all protos.
    DEPENDS ${otlp_proto_files} protobuf::protoc
    COMMENT "protoc ${p}.proto"
    VERBATIM)
endforeach()

add_library(brokle_otlp_proto STATIC ${otlp_message_srcs})
# SYSTEM: generated headers are not ours to warn about, in this target or in its users.
target_include_directories(brokle_otlp_proto SYSTEM PUBLIC ${OTLP_GEN_DIR})
target_link_libraries(brokle_otlp_proto PUBLIC protobuf::libprotobuf)
target_compile_options(brokle_otlp_proto PRIVATE -w)

add_library(brokle_otlp_grpc STATIC ${otlp_grpc_srcs})
target_link_libraries(brokle_otlp_grpc PUBLIC brokle_otlp_proto gRPC::grpc++)
target_compile_options(brokle_otlp_grpc PRIVATE -w)
