/* csv.c - CSV fields for sweep output: quoted only when they must be, numbers in a fixed form
 * so that the same results give the same bytes. */
#include <flowsim/report.h>

#include <math.h>
#include <string.h>

void flow_csv_field(FILE *f, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

void flow_csv_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.12g", x);
}
