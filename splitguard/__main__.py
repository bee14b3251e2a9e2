from splitguard.cli.main import main

main()
