# Compiles the web client's static files (client/web/) into a C table, so
# kairan-hub serves them with no files at run time. Invoked by
# hub/CMakeLists.txt as
#   cmake -DOUT=web_assets.c -DSRC_DIR=client/web -P web_embed.cmake
# producing `const struct kr_web_asset kr_web_assets[]` of {name, bytes,
# length, etag} in name order and `const size_t kr_web_assets_count`
# (struct in hub/web.h). Only the file types the hub knows how to label
# are taken (.html .css .js .svg); anything else in the folder (README.md)
# is not served. A name other than [A-Za-z0-9._-] with no leading dot is a
# build error: the hub looks assets up by exact name, and such names keep
# every URL plain. The ETag is the first 128 bits of the file's SHA-256.
file(GLOB files "${SRC_DIR}/*.html" "${SRC_DIR}/*.css" "${SRC_DIR}/*.js" "${SRC_DIR}/*.svg")
list(SORT files)
set(body "/* Generated from ${SRC_DIR} by hub/web_embed.cmake. Do not edit. */\n")
string(APPEND body "#include <stddef.h>\n#include \"web.h\"\n\n")
set(entries "")
set(n 0)
foreach(f ${files})
  get_filename_component(name "${f}" NAME)
  if(NOT name MATCHES "^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
    message(FATAL_ERROR "web_embed.cmake: ${f}: asset names must be [A-Za-z0-9._-] without a leading dot")
  endif()
  file(SIZE "${f}" size)
  file(SHA256 "${f}" sha)
  string(SUBSTRING "${sha}" 0 32 etag)
  file(READ "${f}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const unsigned char asset_${n}[] = {${hex}0x00};\n")
  string(APPEND entries "\t{\"${name}\", asset_${n}, ${size}, \"\\\"${etag}\\\"\"},\n")
  math(EXPR n "${n} + 1")
endforeach()
if(n EQUAL 0)
  message(FATAL_ERROR "web_embed.cmake: no web assets in ${SRC_DIR}")
endif()
string(APPEND body "\nconst struct kr_web_asset kr_web_assets[] = {\n${entries}};\n")
string(APPEND body "const size_t kr_web_assets_count = ${n};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
