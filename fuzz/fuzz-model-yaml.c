/* fuzz-model-yaml.c — libFuzzer target: the model and template YAML readers
 *
 * The input is read both as a model (rb_model_parse()) and as a template
 * (rb_template_new_from_data()); a template that loads is instantiated
 * with an empty request, and the model text it gives is parsed too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "rb-model.h"
#include "rb-template.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(RbModel) model = NULL;
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *text = NULL;

  model = rb_model_parse ((const char *) data, size, "model/model.yaml", NULL);

  template = rb_template_new_from_data ((const char *) data, size, "fuzz.yaml", NULL);
  if (template == NULL)
    return 0;
  request = json_object_new ();
  text = rb_template_instantiate (template, request, &merged, NULL);
  if (text != NULL)
    {
      g_autoptr(RbModel) instantiated = NULL;

      instantiated = rb_model_parse (text, strlen (text), "model/model.yaml", NULL);
    }
  return 0;
}
