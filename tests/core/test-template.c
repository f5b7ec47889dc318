/* test-template.c — template parsing, parameters, substitution, catalogue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-core.h"
#include "rb-engine.h"
#include "rb-json.h"
#include "rb-model.h"
#include "rb-template.h"
#include "rb-test-util.h"
#include "rb-yaml.h"

#define BASE_HEADER \
  "schemaVersion: 1\n" \
  "generator: test\n" \
  "metadata:\n" \
  "  id: test.basic\n" \
  "  title: Basic\n" \
  "  version: 1.2.0\n" \
  "  description: A small template.\n" \
  "  narrative: Two nodes.\n" \
  "  tags: [a, b]\n" \
  "  captureKey: basic-capture\n" \
  "window:\n" \
  "  start: 2025-01-01T00:00:00Z\n" \
  "  timezone: UTC\n"

#define BASE_PARAMETERS \
  "parameters:\n" \
  "  - name: bins\n" \
  "    type: integer\n" \
  "    title: Bins\n" \
  "    default: 4\n" \
  "    minimum: 1\n" \
  "    maximum: 8\n" \
  "  - name: rate\n" \
  "    type: number\n" \
  "    default: 0.1\n" \
  "    min: 0\n" \
  "  - name: flag\n" \
  "    type: boolean\n" \
  "    default: true\n" \
  "  - name: pattern\n" \
  "    type: array\n" \
  "    arrayOf: int\n" \
  "    default: [1, 2, 3, 4]\n" \
  "    maximum: 100\n" \
  "  - name: label\n" \
  "    type: string\n" \
  "    description: Free text\n" \
  "    default: plain\n"

#define BASE_MODEL \
  "grid:\n" \
  "  bins: ${bins}\n" \
  "  binSize: 60\n" \
  "  binUnit: minutes\n" \
  "nodes:\n" \
  "  - id: demand\n" \
  "    kind: const\n" \
  "    values: ${pattern}\n" \
  "  - id: scaled\n" \
  "    kind: expr\n" \
  "    expr: \"demand * ${rate}\"\n" \
  "    metadata:\n" \
  "      flag: ${flag}\n" \
  "      label: ${label}\n" \
  "outputs:\n" \
  "  - series: \"*\"\n"

static const char base_template[] = BASE_HEADER BASE_PARAMETERS BASE_MODEL;

static RbTemplate *
load_text (const char *text)
{
  g_autoptr(GError) error = NULL;
  RbTemplate *template = rb_template_new_from_data (text, strlen (text), "basic.yaml", &error);

  g_assert_no_error (error);
  g_assert_nonnull (template);
  return template;
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = rb_json_parse (json, -1, "request", &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

/* Parsing {{{ */

static void
test_parse_header (void)
{
  g_autoptr(RbTemplate) template = load_text (base_template);
  const char * const tags[] = { "a", "b", NULL };
  GPtrArray *parameters = rb_template_get_parameters (template);
  const RbTemplateParameter *parameter;

  g_assert_cmpstr (rb_template_get_id (template), ==, "test.basic");
  g_assert_cmpstr (rb_template_get_title (template), ==, "Basic");
  g_assert_cmpstr (rb_template_get_version (template), ==, "1.2.0");
  g_assert_cmpstr (rb_template_get_description (template), ==, "A small template.");
  g_assert_cmpstr (rb_template_get_narrative (template), ==, "Two nodes.");
  g_assert_cmpstr (rb_template_get_mode (template), ==, "simulation");
  g_assert_cmpstr (rb_template_get_capture_key (template), ==, "basic-capture");
  g_assert_cmpstrv (rb_template_get_tags (template), tags);
  g_assert_cmpstr (rb_template_get_display_name (template), ==, "basic.yaml");

  g_assert_cmpuint (parameters->len, ==, 5);
  parameter = g_ptr_array_index (parameters, 0);
  g_assert_cmpstr (parameter->name, ==, "bins");
  g_assert_cmpstr (parameter->type, ==, "integer");
  g_assert_cmpstr (parameter->title, ==, "Bins");
  g_assert_null (parameter->description);
  g_assert_cmpint (json_node_get_int (parameter->default_value), ==, 4);
  g_assert_true (parameter->has_min && parameter->min == 1);
  g_assert_true (parameter->has_max && parameter->max == 8);
  g_assert_false (parameter->required);

  parameter = rb_template_find_parameter (template, "rate");
  g_assert_true (parameter->has_min && parameter->min == 0);   /* "min" spelling */
  g_assert_false (parameter->has_max);
  parameter = rb_template_find_parameter (template, "pattern");
  g_assert_cmpstr (parameter->array_of, ==, "int");
  g_assert_true (parameter->has_max && parameter->max == 100);
  g_assert_null (rb_template_find_parameter (template, "nope"));
}

typedef struct
{
  const char *name;
  const char *text;
  const char *message;
} BadTemplate;

static const BadTemplate bad_templates[] = {
  { "not-mapping", "- 1\n- 2\n", "bad.yaml: a template must be a YAML mapping" },
  { "yaml", "metadata: [\n", NULL /* checked by prefix below */ },
  { "no-metadata", "grid: {bins: 1}\nnodes: []\n", "bad.yaml: metadata is missing" },
  { "metadata-list", "metadata: [1]\n", "bad.yaml: metadata must be a mapping" },
  { "no-id", "metadata:\n  title: T\n  version: 1.0.0\n", "bad.yaml: metadata.id is missing" },
  { "id-number", "metadata:\n  id: 12\n", "bad.yaml: metadata.id must be a string" },
  { "id-bad", "metadata:\n  id: ../etc\n  title: T\n  version: 1.0.0\n",
    "bad.yaml: metadata.id \"../etc\" is not a valid template id (letters, digits, '.', '_' and '-', starting with a letter or digit)" },
  { "no-title", "metadata:\n  id: t\n  version: 1.0.0\n", "bad.yaml: metadata.title is missing" },
  { "no-version", "metadata:\n  id: t\n  title: T\n", "bad.yaml: metadata.version is missing" },
  { "tags", "metadata:\n  id: t\n  title: T\n  version: '1'\n  tags: [a, [b]]\n",
    "bad.yaml: metadata.tags[1] must be a string" },
  { "mode", "metadata:\n  id: t\n  title: T\n  version: '1'\nmode: replay\n",
    "bad.yaml: mode must be \"simulation\" or \"telemetry\" (got \"replay\")" },
  { "timezone", "metadata:\n  id: t\n  title: T\n  version: '1'\nwindow:\n  timezone: CET\n",
    "bad.yaml: window.timezone must be UTC" },
  { "parameters-map", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters: {a: 1}\n",
    "bad.yaml: parameters must be a list" },
  { "parameter-no-name", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - type: integer\n",
    "bad.yaml: parameters[0].name is missing" },
  { "parameter-bad-name", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: 2x\n    type: integer\n",
    "bad.yaml: parameters[0].name \"2x\" must start with a letter or '_' and hold only letters, digits and '_'" },
  { "parameter-no-type", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: a\n",
    "bad.yaml: parameter a has no type" },
  { "parameter-unknown-type", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: a\n    type: int\n",
    "bad.yaml: parameter a has unknown type \"int\" (expected integer, number, boolean, string or array)" },
  { "parameter-array-of", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: a\n    type: array\n    arrayOf: text\n",
    "bad.yaml: parameter a has unknown arrayOf \"text\" (expected double, number, int or integer)" },
  { "parameter-min-text", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: a\n    type: number\n    minimum: low\n",
    "bad.yaml: parameter a.minimum must be a number" },
  { "parameter-min-max", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: a\n    type: number\n    min: 5\n    max: 1\n",
    "bad.yaml: parameter a has a minimum above its maximum" },
  { "parameter-required", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: a\n    type: number\n    required: yes\n",
    "bad.yaml: parameter a: required must be true or false" },
  { "duplicate", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: a\n    type: number\n  - name: a\n    type: integer\n",
    "bad.yaml: parameter a is declared twice" },
  { "default-above", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: waves\n    type: integer\n    default: 9\n    maximum: 8\n",
    "bad.yaml: the default of parameter waves must be at most 8 (got 9)" },
  { "default-below", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: rate\n    type: number\n    default: -0.5\n    minimum: 0\n",
    "bad.yaml: the default of parameter rate must be at least 0 (got -0.5)" },
  { "default-type", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: on\n    type: boolean\n    default: 1\n",
    "bad.yaml: the default of parameter on must be true or false (got 1)" },
  { "default-element", "metadata:\n  id: t\n  title: T\n  version: '1'\nparameters:\n  - name: xs\n    type: array\n    arrayOf: int\n    default: [1, 2.5]\n",
    "bad.yaml: the default of parameter xs[1] must be an integer (got 2.5)" },
  { "no-grid", "metadata:\n  id: t\n  title: T\n  version: '1'\nnodes: []\n", "bad.yaml: grid is missing" },
  { "no-nodes", "metadata:\n  id: t\n  title: T\n  version: '1'\ngrid: {bins: 1}\n", "bad.yaml: nodes is missing" },
};

static void
test_parse_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_templates); i++)
    {
      const BadTemplate *bad = &bad_templates[i];
      g_autoptr(GError) error = NULL;
      RbTemplate *template;

      g_test_message ("case %s", bad->name);
      template = rb_template_new_from_data (bad->text, strlen (bad->text), "bad.yaml", &error);
      g_assert_null (template);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
      if (bad->message != NULL)
        g_assert_cmpstr (error->message, ==, bad->message);
      else
        g_assert_true (g_str_has_prefix (error->message, "bad.yaml is not valid YAML at line "));
    }
}

static void
test_parse_not_text (void)
{
  static const char nul[] = "metadata:\n  id: t\0\n";
  g_autoptr(GError) error = NULL;

  g_assert_null (rb_template_new_from_data (nul, sizeof nul - 1, "nul.yaml", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
  g_assert_cmpstr (error->message, ==, "nul.yaml: the file contains a NUL byte");
  g_clear_error (&error);

  g_assert_null (rb_template_new_from_data ("id: \xff\n", 6, "latin.yaml", &error));
  g_assert_cmpstr (error->message, ==, "latin.yaml: the file is not UTF-8 text");
}

/* }}} */

/* Parameters {{{ */

typedef struct
{
  const char *request;
  const char *field;
  const char *message;
} BadRequest;

static const BadRequest bad_requests[] = {
  { "{\"bins\": 9}", "parameters.bins", "parameters.bins must be at most 8 (got 9)" },
  { "{\"bins\": 0}", "parameters.bins", "parameters.bins must be at least 1 (got 0)" },
  { "{\"bins\": 2.5}", "parameters.bins", "parameters.bins must be an integer (got 2.5)" },
  { "{\"bins\": \"4\"}", "parameters.bins", "parameters.bins must be an integer (got \"4\")" },
  { "{\"bins\": null}", "parameters.bins", "parameters.bins must be an integer (got null)" },
  { "{\"rate\": -0.5}", "parameters.rate", "parameters.rate must be at least 0 (got -0.5)" },
  { "{\"rate\": true}", "parameters.rate", "parameters.rate must be a number (got true)" },
  { "{\"flag\": 1}", "parameters.flag", "parameters.flag must be true or false (got 1)" },
  { "{\"flag\": \"true\"}", "parameters.flag", "parameters.flag must be true or false (got \"true\")" },
  { "{\"pattern\": 3}", "parameters.pattern", "parameters.pattern must be an array (got 3)" },
  { "{\"pattern\": [1, 200]}", "parameters.pattern", "parameters.pattern[1] must be at most 100 (got 200)" },
  { "{\"pattern\": [1, 2.5]}", "parameters.pattern", "parameters.pattern[1] must be an integer (got 2.5)" },
  { "{\"pattern\": [\"x\"]}", "parameters.pattern", "parameters.pattern[0] must be an integer (got \"x\")" },
  { "{\"label\": 3}", "parameters.label", "parameters.label must be a string (got 3)" },
  { "{\"label\": [\"a\"]}", "parameters.label", "parameters.label must be a string (got [\"a\"])" },
  { "{\"nope\": 1, \"zzz\": 2}", "parameters.nope", "parameters.nope is not a parameter of template test.basic" },
};

static void
test_parameter_errors (void)
{
  g_autoptr(RbTemplate) template = load_text (base_template);

  for (guint i = 0; i < G_N_ELEMENTS (bad_requests); i++)
    {
      g_autoptr(JsonObject) request = parse_object (bad_requests[i].request);
      g_autoptr(GError) error = NULL;
      JsonObject *merged = (JsonObject *) 0x1;
      char *text;

      g_test_message ("request %s", bad_requests[i].request);
      text = rb_template_instantiate (template, request, &merged, &error);
      g_assert_null (text);
      g_assert_null (merged);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_PARAMETER);
      g_assert_cmpstr (error->message, ==, bad_requests[i].message);
      g_assert_cmpstr (rb_error_get_field (error), ==, bad_requests[i].field);
    }
}

static void
test_parameter_required (void)
{
  const char *text = BASE_HEADER
    "parameters:\n"
    "  - name: size\n"
    "    type: integer\n"
    "    required: true\n"
    "  - name: optional\n"
    "    type: number\n"
    "grid:\n"
    "  bins: ${size}\n"
    "  binSize: 1\n"
    "  binUnit: hours\n"
    "nodes:\n"
    "  - id: a\n"
    "    kind: expr\n"
    "    expr: \"${optional}\"\n";
  g_autoptr(RbTemplate) template = load_text (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  char *out;

  out = rb_template_instantiate (template, NULL, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_PARAMETER);
  g_assert_cmpstr (error->message, ==, "parameters.size is required");
  g_assert_cmpstr (rb_error_get_field (error), ==, "parameters.size");
  g_clear_error (&error);

  /* Not required, no default, but used: it must be given. */
  request = parse_object ("{\"size\": 3}");
  out = rb_template_instantiate (template, request, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_PARAMETER);
  g_assert_cmpstr (error->message, ==,
                   "parameters.optional must be given (the template has no default for it)");
  g_assert_cmpstr (rb_error_get_field (error), ==, "parameters.optional");
}

static void
test_parameter_merge (void)
{
  g_autoptr(RbTemplate) template = load_text (base_template);
  g_autoptr(JsonObject) request = parse_object ("{\"label\": \"x\", \"bins\": 4.0}");
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *compact = NULL;

  text = rb_template_instantiate (template, request, &merged, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  json_node_set_object (node, merged);
  compact = rb_json_to_compact (node);
  /* Template order; 4.0 for an integer parameter becomes 4. */
  g_assert_cmpstr (compact, ==,
                   "{\"bins\":4,\"rate\":0.1,\"flag\":true,\"pattern\":[1,2,3,4],\"label\":\"x\"}");
}

/* }}} */

/* Substitution {{{ */

static char *
instantiate (RbTemplate *template,
             const char *request_json)
{
  g_autoptr(JsonObject) request = request_json != NULL ? parse_object (request_json) : NULL;
  g_autoptr(GError) error = NULL;
  char *text = rb_template_instantiate (template, request, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

static void
test_substitute_defaults (void)
{
  g_autoptr(RbTemplate) template = load_text (base_template);
  g_autofree char *text = instantiate (template, NULL);
  g_autofree char *expected = NULL;

  expected = g_strconcat (BASE_HEADER, BASE_PARAMETERS,
                          "grid:\n"
                          "  start: \"2025-01-01T00:00:00Z\"\n"
                          "  bins: 4\n"
                          "  binSize: 60\n"
                          "  binUnit: minutes\n"
                          "nodes:\n"
                          "  - id: demand\n"
                          "    kind: const\n"
                          "    values: [1, 2, 3, 4]\n"
                          "  - id: scaled\n"
                          "    kind: expr\n"
                          "    expr: \"demand * 0.1\"\n"
                          "    metadata:\n"
                          "      flag: true\n"
                          "      label: plain\n"
                          "outputs:\n"
                          "  - series: \"*\"\n", NULL);
  g_assert_cmpstr (text, ==, expected);
}

typedef struct
{
  const char *request;
  const char *needle;   /* expected in the output */
  const char *label;    /* the label as YAML reads it back, or NULL */
} Formatting;

static const Formatting formattings[] = {
  { "{\"rate\": 1e15}", "expr: \"demand * 1E+15\"", NULL },
  { "{\"rate\": 0.30000000000000004}", "expr: \"demand * 0.30000000000000004\"", NULL },
  { "{\"rate\": 2}", "expr: \"demand * 2\"", NULL },
  { "{\"rate\": 1e-7}", "expr: \"demand * 1E-07\"", NULL },
  { "{\"flag\": false}", "flag: false\n", NULL },
  { "{\"pattern\": [5, 6.0, 7, 8]}", "values: [5, 6, 7, 8]\n", NULL },
  { "{\"label\": \"\"}", "label: \"\"\n", "" },
  { "{\"label\": \"two words\"}", "label: \"two words\"\n", "two words" },
  { "{\"label\": \"file:///x.csv\"}", "label: \"file:///x.csv\"\n", "file:///x.csv" },
  { "{\"label\": \"a#b\"}", "label: \"a#b\"\n", "a#b" },
  { "{\"label\": \"say \\\"hi\\\" now\"}", "label: \"say \\\"hi\\\" now\"\n", "say \"hi\" now" },
  { "{\"label\": \"-dash\"}", "label: \"-dash\"\n", "-dash" },
  { "{\"label\": \"[x]\"}", "label: \"[x]\"\n", "[x]" },
  { "{\"label\": \"tab\\there\"}", "label: \"tab\\there\"\n", "tab\there" },
  { "{\"label\": \"unquoted_text\"}", "label: unquoted_text\n", "unquoted_text" },
};

static void
test_substitute_formatting (void)
{
  g_autoptr(RbTemplate) template = load_text (base_template);

  for (guint i = 0; i < G_N_ELEMENTS (formattings); i++)
    {
      g_autofree char *text = instantiate (template, formattings[i].request);

      g_test_message ("request %s", formattings[i].request);
      g_assert_nonnull (strstr (text, formattings[i].needle));
      if (formattings[i].label != NULL)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonNode) root = rb_yaml_parse (text, strlen (text), "out.yaml", &error);
          JsonObject *scaled;

          g_assert_no_error (error);
          scaled = json_array_get_object_element (
            json_object_get_array_member (json_node_get_object (root), "nodes"), 1);
          g_assert_cmpstr (json_object_get_string_member (
                             json_object_get_object_member (scaled, "metadata"), "label"),
                           ==, formattings[i].label);
        }
    }
}

static void
test_substitute_quoted_array (void)
{
  const char *text = BASE_HEADER
    "parameters:\n"
    "  - name: xs\n"
    "    type: array\n"
    "    default: [1.5, 2]\n"
    "grid: {bins: 2, binSize: 1, binUnit: hours}\n"
    "nodes:\n"
    "  - id: a\n"
    "    kind: const\n"
    "    values: \"${xs}\"\n"
    "  - id: b\n"
    "    kind: const\n"
    "    values: '${xs}'\n";
  g_autoptr(RbTemplate) template = load_text (text);
  g_autofree char *out = instantiate (template, NULL);

  g_assert_nonnull (strstr (out, "    values: [1.5, 2]\n  - id: b\n    kind: const\n    values: [1.5, 2]\n"));
  /* A flow-mapping grid gets the start after its '{'. */
  g_assert_nonnull (strstr (out, "grid: { start: \"2025-01-01T00:00:00Z\", bins: 2, binSize: 1, binUnit: hours}\n"));
}

static void
test_substitute_unknown_placeholder (void)
{
  const char *text = BASE_HEADER BASE_PARAMETERS BASE_MODEL
    "  - series: \"${missing}\"\n";
  g_autoptr(RbTemplate) template = load_text (text);
  g_autoptr(GError) error = NULL;

  g_assert_null (rb_template_instantiate (template, NULL, NULL, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
  g_assert_cmpstr (error->message, ==,
                   "basic.yaml: line 53 uses the placeholder ${missing}, which names no parameter");
}

static void
test_substitute_breaks_yaml (void)
{
  /* A string value that ends a flow list early: the result is not YAML. */
  const char *text = BASE_HEADER
    "parameters:\n"
    "  - name: s\n"
    "    type: string\n"
    "    default: \"x\"\n"
    "grid:\n"
    "  bins: 1\n"
    "  binSize: 1\n"
    "  binUnit: hours\n"
    "nodes:\n"
    "  - id: a\n"
    "    kind: expr\n"
    "    expr: \"${s}\"\n";
  g_autoptr(RbTemplate) template = load_text (text);
  g_autoptr(JsonObject) request = parse_object ("{\"s\": \"a b\"}");
  g_autoptr(GError) error = NULL;

  g_assert_null (rb_template_instantiate (template, request, NULL, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "After substituting the parameters, basic.yaml is not valid YAML at line 25"));
}

static void
test_window_start (void)
{
  /* grid already has a start: kept as it is. */
  const char *own_start = BASE_HEADER
    "grid:\n"
    "  # the grid\n"
    "\n"
    "    bins: 2\n"
    "    start: 2024-05-05T00:00:00Z\n"
    "    binSize: 1\n"
    "    binUnit: hours\n"
    "nodes: []\n";
  const char *deep = BASE_HEADER
    "grid:   # comment\n"
    "  # the grid\n"
    "\n"
    "    bins: 2\n"
    "    binSize: 1\n"
    "    binUnit: hours\n"
    "nodes: []\n";
  const char *no_window =
    "metadata: {id: t, title: T, version: '1'}\n"
    "grid:\n"
    "  bins: 2\n"
    "  binSize: 1\n"
    "  binUnit: hours\n"
    "nodes: []\n";
  g_autoptr(RbTemplate) t1 = load_text (own_start);
  g_autoptr(RbTemplate) t2 = load_text (deep);
  g_autoptr(RbTemplate) t3 = load_text (no_window);
  g_autofree char *out1 = instantiate (t1, NULL);
  g_autofree char *out2 = instantiate (t2, NULL);
  g_autofree char *out3 = instantiate (t3, NULL);

  g_assert_cmpstr (out1, ==, own_start);
  g_assert_nonnull (strstr (out2, "grid:   # comment\n"
                                  "    start: \"2025-01-01T00:00:00Z\"\n"
                                  "  # the grid\n"
                                  "\n"
                                  "    bins: 2\n"));
  g_assert_cmpstr (out3, ==, no_window);
}

static void
test_from_json_has_no_text (void)
{
  g_autoptr(RbTemplate) template = load_text (base_template);
  g_autoptr(JsonNode) json = rb_template_to_json (template);
  g_autoptr(GError) error = NULL;
  g_autoptr(RbTemplate) copy = rb_template_new_from_json (json_node_get_object (json), &error);

  g_assert_no_error (error);
  g_assert_null (rb_template_instantiate (copy, NULL, NULL, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
  g_assert_cmpstr (error->message, ==,
                   "Template test.basic has no model text here; it can only be run where it is stored");
}

/* }}} */

/* JSON {{{ */

static void
test_json_round_trip (void)
{
  g_autoptr(RbTemplate) template = load_text (base_template);
  g_autoptr(JsonNode) json = rb_template_to_json (template);
  g_autoptr(JsonNode) summary = rb_template_to_summary_json (template);
  g_autoptr(GError) error = NULL;
  g_autoptr(RbTemplate) copy = NULL;
  g_autoptr(RbTemplate) summary_copy = NULL;
  g_autoptr(JsonNode) json2 = NULL;
  g_autoptr(JsonNode) summary2 = NULL;
  g_autofree char *bytes = rb_json_to_data (json, NULL);
  g_autofree char *bytes2 = NULL;
  g_autofree char *summary_bytes = rb_json_to_data (summary, NULL);
  g_autofree char *summary_bytes2 = NULL;

  copy = rb_template_new_from_json (json_node_get_object (json), &error);
  g_assert_no_error (error);
  json2 = rb_template_to_json (copy);
  bytes2 = rb_json_to_data (json2, NULL);
  g_assert_cmpstr (bytes, ==, bytes2);

  summary_copy = rb_template_new_from_json (json_node_get_object (summary), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_template_get_parameters (summary_copy)->len, ==, 0);
  summary2 = rb_template_to_summary_json (summary_copy);
  summary_bytes2 = rb_json_to_data (summary2, NULL);
  g_assert_cmpstr (summary_bytes, ==, summary_bytes2);
}

static void
test_json_errors (void)
{
  g_autoptr(JsonObject) no_id = parse_object ("{\"title\": \"T\"}");
  g_autoptr(JsonObject) bad_tags = parse_object ("{\"id\": \"x\", \"tags\": \"a\"}");
  g_autoptr(JsonObject) bad_parameter = parse_object ("{\"id\": \"x\", \"parameters\": [{\"name\": \"a\", \"type\": \"thing\"}]}");
  g_autoptr(GError) error = NULL;

  g_assert_null (rb_template_new_from_json (no_id, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
  g_assert_cmpstr (error->message, ==, "The template: id is missing");
  g_clear_error (&error);
  g_assert_null (rb_template_new_from_json (bad_tags, &error));
  g_assert_cmpstr (error->message, ==, "Template x: tags must be a list of strings");
  g_clear_error (&error);
  g_assert_null (rb_template_new_from_json (bad_parameter, &error));
  g_assert_cmpstr (error->message, ==,
                   "Template x: parameter a has unknown type \"thing\" (expected integer, number, boolean, string or array)");
}

/* }}} */

/* Catalogue {{{ */

typedef struct
{
  char *shipped;
  char *data;
  char *saved_env;
} Catalog;

static void
catalog_setup (Catalog       *fixture,
               gconstpointer  user_data)
{
  fixture->saved_env = g_strdup (g_getenv ("RUNBOARD_TEMPLATE_DIR"));
  fixture->shipped = rb_test_make_temp_dir ();
  fixture->data = rb_test_make_temp_dir ();
  g_setenv ("RUNBOARD_TEMPLATE_DIR", fixture->shipped, TRUE);
}

static void
catalog_teardown (Catalog       *fixture,
                  gconstpointer  user_data)
{
  if (fixture->saved_env != NULL)
    g_setenv ("RUNBOARD_TEMPLATE_DIR", fixture->saved_env, TRUE);
  else
    g_unsetenv ("RUNBOARD_TEMPLATE_DIR");
  rb_test_remove_tree (fixture->shipped);
  rb_test_remove_tree (fixture->data);
  g_free (fixture->shipped);
  g_free (fixture->data);
  g_free (fixture->saved_env);
}

static void
write_template (const char *dir,
                const char *file,
                const char *id,
                const char *title)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *text = g_strdup_printf ("metadata:\n  id: %s\n  title: %s\n  version: 1.0.0\n"
                                           "grid: {bins: 1, binSize: 1, binUnit: hours}\n"
                                           "nodes: []\n", id, title);

  rb_test_write_file (path, text, -1);
}

static char **
list_ids (RbTemplateCatalog *catalog)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = rb_template_catalog_list (catalog, &error);
  GStrvBuilder *builder = g_strv_builder_new ();
  char **ids;

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      RbTemplate *template = g_ptr_array_index (list, i);
      g_autofree char *entry = g_strdup_printf ("%s=%s", rb_template_get_id (template),
                                                rb_template_get_title (template));
      g_strv_builder_add (builder, entry);
    }
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

static void
test_catalog_override (Catalog       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *user_dir = g_build_filename (fixture->data, "templates", NULL);
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = { "alpha=Shipped alpha", "beta=Users beta", "gamma=Users gamma",
                                    "zeta=Shipped zeta", NULL };

  write_template (fixture->shipped, "z.yaml", "alpha", "Shipped alpha");   /* id, not file name */
  write_template (fixture->shipped, "b.yaml", "beta", "Shipped beta");
  write_template (fixture->shipped, "a.yaml", "zeta", "Shipped zeta");
  write_template (fixture->shipped, "notes.txt", "ignored", "Not a template");
  write_template (user_dir, "mine.yaml", "beta", "Users beta");
  write_template (user_dir, "gamma.yaml", "gamma", "Users gamma");

  catalog = rb_template_catalog_new (fixture->data);
  ids = list_ids (catalog);
  g_assert_cmpstrv (ids, expected);

  template = rb_template_catalog_get (catalog, "beta", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_template_get_title (template), ==, "Users beta");
  g_assert_cmpstr (rb_template_get_display_name (template), ==, "mine.yaml");
  g_clear_object (&template);

  /* Read on every call: a new file shows up at once. */
  write_template (user_dir, "late.yaml", "late", "Late");
  template = rb_template_catalog_get (catalog, "late", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_template_get_title (template), ==, "Late");
}

static void
test_catalog_get_errors (Catalog       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;

  write_template (fixture->shipped, "a.yaml", "alpha", "A");
  catalog = rb_template_catalog_new (fixture->data);

  g_assert_null (rb_template_catalog_get (catalog, "missing", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Template missing was not found.");
  g_clear_error (&error);

  g_assert_null (rb_template_catalog_get (catalog, "../alpha", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (rb_error_get_field (error), ==, "templateId");
  g_clear_error (&error);

  g_assert_null (rb_template_catalog_get (catalog, "", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (rb_error_get_field (error), ==, "templateId");
}

static void
test_catalog_broken_file (Catalog       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *user_dir = g_build_filename (fixture->data, "templates", NULL);
  g_autofree char *broken = g_build_filename (user_dir, "broken.yaml", NULL);
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  const char * const expected[] = { "alpha=A", "beta=B", NULL };

  write_template (fixture->shipped, "a.yaml", "alpha", "A");
  write_template (user_dir, "b.yaml", "beta", "B");
  rb_test_write_file (broken, "metadata:\n  title: no id\n", -1);
  catalog = rb_template_catalog_new (fixture->data);

  g_test_expect_message ("rb-template", G_LOG_LEVEL_WARNING,
                         "Skipped a template: broken.yaml: metadata.id is missing");
  ids = list_ids (catalog);
  g_test_assert_expected_messages ();
  g_assert_cmpstrv (ids, expected);

  /* get() stays quiet about other files. */
  template = rb_template_catalog_get (catalog, "beta", &error);
  g_assert_no_error (error);
  g_assert_nonnull (template);
}

static void
test_catalog_duplicate_in_folder (Catalog       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_auto(GStrv) ids = NULL;
  const char * const expected[] = { "alpha=First", NULL };

  write_template (fixture->shipped, "a1.yaml", "alpha", "First");
  write_template (fixture->shipped, "a2.yaml", "alpha", "Second");
  catalog = rb_template_catalog_new (NULL);

  g_test_expect_message ("rb-template", G_LOG_LEVEL_WARNING,
                         "Skipped a template: a2.yaml defines alpha again");
  ids = list_ids (catalog);
  g_test_assert_expected_messages ();
  g_assert_cmpstrv (ids, expected);
}

static void
test_catalog_missing_folders (Catalog       *fixture,
                              gconstpointer  user_data)
{
  g_autofree char *nowhere = g_build_filename (fixture->shipped, "nowhere", NULL);
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_auto(GStrv) ids = NULL;

  g_setenv ("RUNBOARD_TEMPLATE_DIR", nowhere, TRUE);
  catalog = rb_template_catalog_new (nowhere);
  ids = list_ids (catalog);
  g_assert_cmpuint (g_strv_length (ids), ==, 0);
}

/* }}} */

/* Shipped templates {{{ */

static const char * const shipped_ids[] = {
  "call-centre-intraday",
  "data-pipeline-nightly-batch",
  "hospital-emergency-triage",
  "order-fulfilment-waves",
  "parcel-hub-sortation",
  "payment-api-retries",
};

static RbTemplate *
shipped_template (const char *id)
{
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  RbTemplate *template = rb_template_catalog_get (catalog, id, &error);

  g_assert_no_error (error);
  return template;
}

static void
test_shipped_list (void)
{
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = rb_template_catalog_list (catalog, &error);
  guint with_capture_key = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (shipped_ids));
  for (guint i = 0; i < list->len; i++)
    {
      RbTemplate *template = g_ptr_array_index (list, i);

      g_assert_cmpstr (rb_template_get_id (template), ==, shipped_ids[i]);
      if (rb_template_get_capture_key (template) != NULL)
        with_capture_key++;
    }
  g_assert_cmpuint (with_capture_key, >=, 5);
}

static void
test_shipped_evaluate (gconstpointer data)
{
  const char *id = data;
  g_autoptr(RbTemplate) template = shipped_template (id);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *text = NULL;
  g_autoptr(RbModel) model = NULL;
  g_autoptr(RbEvaluation) evaluation = NULL;
  GPtrArray *ids;
  gint64 seed = 0;

  text = rb_template_instantiate (template, NULL, &merged, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (text, "${"));
  model = rb_model_parse (text, strlen (text), rb_template_get_display_name (template), &error);
  g_assert_no_error (error);
  g_assert_nonnull (rb_model_get_start (model));
  g_assert_true (rb_model_get_rng_seed (model, &seed));
  g_assert_cmpint (seed, >, 0);
  g_assert_cmpuint (rb_model_get_bins (model), >=, 24);
  g_assert_cmpuint (rb_model_get_bins (model), <=, 288);

  evaluation = rb_engine_evaluate (model, NULL, NULL, &error);
  g_assert_no_error (error);
  ids = rb_model_get_node_ids (model);
  for (guint i = 0; i < ids->len; i++)
    {
      const double *series = rb_evaluation_get_series (evaluation, g_ptr_array_index (ids, i));

      g_assert_nonnull (series);
      for (guint t = 0; t < rb_model_get_bins (model); t++)
        g_assert_true (isfinite (series[t]));
    }
}

/* Every node kind and function appears in at least one shipped template. */
static void
test_shipped_coverage (void)
{
  static const char * const needles[] = {
    "kind: const", "kind: expr", "kind: pmf", "kind: builtin", "kind: inline",
    "kind: serviceWithBuffer", "kind: router", "kind: sink", "kind: queue", "kind: dlq",
    "initialCondition:", "dispatchSchedule:", "externalDemand:", "queueDepth:", "capacity:",
    "errors:", "as: ", "captureKey:", "type: array", "type: boolean", "type: string",
    "MIN(", "MAX(", "CLAMP(", "SHIFT(", "CONV(", "PULSE(", "STEP(", "MOD(", "FLOOR(",
    "CEIL(", "ROUND(", "(-", "weekday-office", "three-shift", "hub-rush-hour",
  };
  g_autoptr(GString) all = g_string_new (NULL);
  const char *dir = g_getenv ("RUNBOARD_TEMPLATE_DIR");

  g_assert_nonnull (dir);
  for (guint i = 0; i < G_N_ELEMENTS (shipped_ids); i++)
    {
      g_autofree char *file = g_strconcat (shipped_ids[i], ".yaml", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *text = rb_test_read_file (path, NULL);

      g_string_append (all, text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      g_test_message ("looking for %s", needles[i]);
      g_assert_nonnull (strstr (all->str, needles[i]));
    }
}

static const char order_fulfilment_summary[] =
  "{\n"
  "  \"id\": \"order-fulfilment-waves\",\n"
  "  \"title\": \"Order Fulfilment with Pick Waves\",\n"
  "  \"version\": \"1.0.0\",\n"
  "  \"description\": \"Hourly orders released to pickers in waves, packed, and collected by scheduled trucks.\",\n"
  "  \"tags\": [\n"
  "    \"fulfilment\",\n"
  "    \"warehouse\",\n"
  "    \"waves\",\n"
  "    \"logistics\"\n"
  "  ],\n"
  "  \"captureKey\": \"order-fulfilment\"\n"
  "}\n";

static const char payment_api_full[] =
  "{\n"
  "  \"id\": \"payment-api-retries\",\n"
  "  \"title\": \"Payment API with Client Retries\",\n"
  "  \"version\": \"1.0.0\",\n"
  "  \"description\": \"Card authorisations against a rate-limited gateway, with failed calls retried by clients.\",\n"
  "  \"tags\": [\n"
  "    \"payments\",\n"
  "    \"api\",\n"
  "    \"retries\",\n"
  "    \"rate-limit\"\n"
  "  ],\n"
  "  \"captureKey\": \"payment-api\",\n"
  "  \"narrative\": \"Merchants send authorisations along the shopping-day curve. The gateway accepts up to its rate limit; calls over the limit, and a share of the accepted calls that the card network declines as transient, fail. Clients retry a share of the failures in the next interval. During the maintenance window the rate limit drops.\",\n"
  "  \"mode\": \"simulation\",\n"
  "  \"parameters\": [\n"
  "    {\n"
  "      \"name\": \"requestsPerInterval\",\n"
  "      \"type\": \"number\",\n"
  "      \"title\": \"Authorisations per hour (daily average)\",\n"
  "      \"description\": null,\n"
  "      \"default\": 6000,\n"
  "      \"min\": 100,\n"
  "      \"max\": 1000000,\n"
  "      \"arrayOf\": null,\n"
  "      \"required\": false\n"
  "    },\n"
  "    {\n"
  "      \"name\": \"rateLimit\",\n"
  "      \"type\": \"integer\",\n"
  "      \"title\": \"Gateway rate limit per hour\",\n"
  "      \"description\": null,\n"
  "      \"default\": 9000,\n"
  "      \"min\": 100,\n"
  "      \"max\": 2000000,\n"
  "      \"arrayOf\": null,\n"
  "      \"required\": false\n"
  "    },\n"
  "    {\n"
  "      \"name\": \"maintenanceStart\",\n"
  "      \"type\": \"integer\",\n"
  "      \"title\": \"Hour the maintenance window opens\",\n"
  "      \"description\": null,\n"
  "      \"default\": 19,\n"
  "      \"min\": 0,\n"
  "      \"max\": 23,\n"
  "      \"arrayOf\": null,\n"
  "      \"required\": false\n"
  "    },\n"
  "    {\n"
  "      \"name\": \"maintenanceLimit\",\n"
  "      \"type\": \"number\",\n"
  "      \"title\": \"Share of the rate limit left during maintenance\",\n"
  "      \"description\": null,\n"
  "      \"default\": 0.4,\n"
  "      \"min\": 0,\n"
  "      \"max\": 1,\n"
  "      \"arrayOf\": null,\n"
  "      \"required\": false\n"
  "    },\n"
  "    {\n"
  "      \"name\": \"retryShare\",\n"
  "      \"type\": \"number\",\n"
  "      \"title\": \"Share of failed calls the clients retry\",\n"
  "      \"description\": null,\n"
  "      \"default\": 0.6,\n"
  "      \"min\": 0,\n"
  "      \"max\": 0.95,\n"
  "      \"arrayOf\": null,\n"
  "      \"required\": false\n"
  "    }\n"
  "  ]\n"
  "}\n";

static void
test_shipped_json (void)
{
  g_autoptr(RbTemplate) template = shipped_template ("order-fulfilment-waves");
  g_autoptr(RbTemplate) payment = shipped_template ("payment-api-retries");
  g_autoptr(JsonNode) summary = rb_template_to_summary_json (template);
  g_autoptr(JsonNode) full = rb_template_to_json (payment);
  g_autofree char *summary_bytes = rb_json_to_data (summary, NULL);
  g_autofree char *full_bytes = rb_json_to_data (full, NULL);

  g_assert_cmpstr (summary_bytes, ==, order_fulfilment_summary);
  g_assert_cmpstr (full_bytes, ==, payment_api_full);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/template/parse/header", test_parse_header);
  g_test_add_func ("/template/parse/errors", test_parse_errors);
  g_test_add_func ("/template/parse/not-text", test_parse_not_text);
  g_test_add_func ("/template/parameters/errors", test_parameter_errors);
  g_test_add_func ("/template/parameters/required", test_parameter_required);
  g_test_add_func ("/template/parameters/merge", test_parameter_merge);
  g_test_add_func ("/template/substitute/defaults", test_substitute_defaults);
  g_test_add_func ("/template/substitute/formatting", test_substitute_formatting);
  g_test_add_func ("/template/substitute/quoted-array", test_substitute_quoted_array);
  g_test_add_func ("/template/substitute/unknown-placeholder", test_substitute_unknown_placeholder);
  g_test_add_func ("/template/substitute/breaks-yaml", test_substitute_breaks_yaml);
  g_test_add_func ("/template/substitute/window-start", test_window_start);
  g_test_add_func ("/template/json/round-trip", test_json_round_trip);
  g_test_add_func ("/template/json/errors", test_json_errors);
  g_test_add_func ("/template/json/no-text", test_from_json_has_no_text);
  g_test_add ("/template/catalog/override", Catalog, NULL,
              catalog_setup, test_catalog_override, catalog_teardown);
  g_test_add ("/template/catalog/get-errors", Catalog, NULL,
              catalog_setup, test_catalog_get_errors, catalog_teardown);
  g_test_add ("/template/catalog/broken-file", Catalog, NULL,
              catalog_setup, test_catalog_broken_file, catalog_teardown);
  g_test_add ("/template/catalog/duplicate-in-folder", Catalog, NULL,
              catalog_setup, test_catalog_duplicate_in_folder, catalog_teardown);
  g_test_add ("/template/catalog/missing-folders", Catalog, NULL,
              catalog_setup, test_catalog_missing_folders, catalog_teardown);
  g_test_add_func ("/template/shipped/list", test_shipped_list);
  g_test_add_func ("/template/shipped/coverage", test_shipped_coverage);
  g_test_add_func ("/template/shipped/json", test_shipped_json);
  for (guint i = 0; i < G_N_ELEMENTS (shipped_ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("/template/shipped/evaluate/%s", shipped_ids[i]);
      g_test_add_data_func (name, shipped_ids[i], test_shipped_evaluate);
    }

  return g_test_run ();
}
