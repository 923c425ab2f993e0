"""chainrule's nn: neurons, layers, MLPs, initialisers, losses, SGD and training on top of autograd."""
