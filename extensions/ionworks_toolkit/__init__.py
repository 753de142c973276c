"""ionworks-toolkit: the hand-written layer over the generated Ionworks client."""
