#include "config.h"
#include "output.h"
void
output_html(FILE *fp, const struct table *t, const struct report_info *info)
{
}
