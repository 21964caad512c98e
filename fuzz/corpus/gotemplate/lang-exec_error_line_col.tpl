a
bb {{ upper 3 }}