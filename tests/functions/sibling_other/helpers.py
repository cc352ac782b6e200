def greet(name):
    return f"bonjour {name}"
