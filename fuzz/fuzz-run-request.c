/* fuzz-run-request.c — libFuzzer target: POST /v1/runs request bodies
 *
 * The input is the raw body: rb_json_parse() then rb_run_request_from_json(),
 * exactly as the server does it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "rb-json.h"
#include "rb-orchestrator.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(RbRunRequest) request = NULL;

  body = rb_json_parse ((const char *) data, (gssize) size, "Request body", &error);
  if (body == NULL)
    return 0;
  request = rb_run_request_from_json (body, &error);
  return 0;
}
