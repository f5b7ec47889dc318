/* fuzz-capture-request.c — libFuzzer target: telemetry capture request bodies
 *
 * The input is the raw body given to rb_capture_request_from_data().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "rb-telemetry.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbCaptureRequest) request = NULL;

  request = rb_capture_request_from_data ((const char *) data, size, &error);
  return 0;
}
