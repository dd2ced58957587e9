print("cartero")
