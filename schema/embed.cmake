# Compiles a folder of text files into a C array, so kairan-hub carries its
# own SQL migrations and demo policies. Invoked by hub/CMakeLists.txt as
#   cmake -DOUT=file.c -DSRC_DIR=dir -DPATTERN=*.sql -DHEADER=migrations.h
#         -DSTRUCT=kr_migration -DSYMBOL=kr_migrations -P embed.cmake
# producing `const struct STRUCT SYMBOL[]` of {file name, text} in file name
# order, and `const size_t SYMBOL_count`.
file(GLOB files "${SRC_DIR}/${PATTERN}")
list(SORT files)
set(body "/* Generated from ${SRC_DIR} by schema/embed.cmake. Do not edit. */\n")
string(APPEND body "#include <stddef.h>\n#include \"${HEADER}\"\n\n")
set(entries "")
set(n 0)
foreach(f ${files})
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const char file_${n}[] = {${hex}0x00};\n")
  string(APPEND entries "\t{\"${name}\", file_${n}},\n")
  math(EXPR n "${n} + 1")
endforeach()
if(n EQUAL 0)
  message(FATAL_ERROR "embed.cmake: no ${PATTERN} in ${SRC_DIR}")
endif()
string(APPEND body "\nconst struct ${STRUCT} ${SYMBOL}[] = {\n${entries}};\n")
string(APPEND body "const size_t ${SYMBOL}_count = ${n};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
