/* mpi_internal.h - the part of mpi.c that experiment.c uses: gathering the rows that each
 * rank ran. Internal to src/experiment. */
#ifndef FLOWSIM_MPI_INTERNAL_H
#define FLOWSIM_MPI_INTERNAL_H

#include <flowsim/experiment.h>

/* Combines rows [first, nrows) of `width` doubles from every rank (each ran those with
 * k mod size = rank), the ranks' statuses and (when events is not NULL) their event counts;
 * returns the worst status. */
int flow__mpi_gather_rows(double *rows, size_t width, size_t nrows, size_t first, int status,
                    uint64_t *events);

#endif
