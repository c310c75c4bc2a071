from familyhelp.cli import main

main()
