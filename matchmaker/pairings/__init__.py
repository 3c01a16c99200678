"""The organisers' matching pages: pairs of the cluster, vetoes, weights, concepts, rebuilds."""
