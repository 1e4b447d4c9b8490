/* mpi_internal.h - the part of mpi.c that experiment.c uses: gathering the rows that each
 * rank ran. Internal to src/experiment. */
#ifndef FLOWSIM_MPI_INTERNAL_H
#define FLOWSIM_MPI_INTERNAL_H

#include <flowsim/experiment.h>

/* Combines rows [first, r->nreps) from every rank (each ran those with k mod size = rank) and
 * the ranks' statuses; returns the worst status. */
int mpi_gather_rows(struct flow_results *r, size_t first, int status);

#endif
