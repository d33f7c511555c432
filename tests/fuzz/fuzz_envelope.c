/*
 * fuzz_envelope.c - libFuzzer harness for the envelope parser: every frame
 * a client sends passes kr_envelope_parse() first (UTF-8, JSON, size,
 * type, id). Properties: never crashes or leaks; a parsed envelope has a
 * type and a JSON object; a refusal always comes with a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kr_envelope env;
	char idbuf[KR_ID_MAX + 1];
	char err[256] = "";
	enum kr_err rc = kr_envelope_parse((const char *)data, size, &env, idbuf, err, sizeof(err));

	if (rc == KR_OK) {
		if (!env.type || !json_is_object(env.msg))
			abort();
		kr_envelope_clear(&env);
	} else if (!err[0]) {
		abort();
	}
	return 0;
}
