import Foundation

print("waves-bench: no benchmarks yet")
