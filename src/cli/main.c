/* main.c — runboard-cli entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "runboard-cli"

#include "config.h"

#include <locale.h>

#include "rb-cli.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  return rb_cli_main (argc, argv);
}
