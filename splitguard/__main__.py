from splitguard.cli.main import run

run()
